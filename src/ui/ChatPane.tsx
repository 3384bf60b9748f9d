import { useEffect, useRef, useState } from 'react';
import type { AppController } from '../app/controller';
import { type ChatMessage, useApp } from '../app/store';
import { isHiddenSection, useLayout } from './layout';

/** What a screen reader says when a reply is complete: the reply, or why there is none. */
function announcement(m: ChatMessage): string {
  if (m.error) return `The answer failed: ${m.error}`;
  const how = m.measured ? 'Measured answer' : 'Answer';
  return `${how}: ${m.text}${m.stopped ? ' (stopped)' : ''}`;
}

/** Questions and streamed replies. Replies are plain text (React escapes them), never HTML. */
export function ChatPane({ controller }: { controller: AppController }) {
  const messages = useApp((s) => s.messages);
  const vlm = useApp((s) => s.models.vlm);
  const [draft, setDraft] = useState('');
  const [announced, setAnnounced] = useState('');
  const log = useRef<HTMLOListElement>(null);
  const streaming = useRef(new Set<number>());
  const replying = messages.some((m) => m.streaming);

  // The newest message (or the growing reply) stays in sight.
  useEffect(() => {
    if (messages.length) log.current?.lastElementChild?.scrollIntoView({ block: 'end' });
  }, [messages]);

  // A reply is announced once, when it is complete (not token by token), and marked unread if the chat is out of sight.
  useEffect(() => {
    for (const m of messages) {
      if (m.streaming) streaming.current.add(m.id);
      else if (streaming.current.delete(m.id)) {
        setAnnounced(announcement(m));
        if (isHiddenSection('chat')) useLayout.getState().setUnreadChat(true);
      }
    }
  }, [messages]);

  const send = () => {
    const q = draft.trim();
    if (!q || replying) return;
    setDraft('');
    void controller.ask(q);
  };

  return (
    <section className="pane chat" aria-label="Chat">
      <h2>Chat</h2>
      <ol className="messages" ref={log} data-testid="messages" aria-label="Messages" aria-busy={replying}>
        {messages.length === 0 && <li className="hint">Ask about the room: “How big is this room?”, “How far is the sofa from the TV?”</li>}
        {messages.map((m) => (
          <li
            key={m.id}
            className={`message ${m.role}`}
            data-testid={`message-${m.role}`}
            data-streaming={m.streaming}
            data-stopped={m.stopped ?? false}
            data-measured={m.measured ?? ''}
          >
            {m.measured && (
              <span className="badge" title="Measured on the 3D map, not written by the language model">
                measured
              </span>
            )}
            <span className="text">{m.text}</span>
            {m.streaming && !m.text && (
              <span className="typing" data-testid="reply-progress">
                {m.progress ? `${m.progress}…` : vlm.phase === 'loading' ? 'loading the chat model…' : 'thinking…'}
              </span>
            )}
            {m.stopped && <span className="meta"> (stopped)</span>}
            {m.writtenBy && !m.streaming && (
              <span className="meta written-by" data-testid="written-by" title="Written by the language model, not measured">
                {m.writtenBy}
              </span>
            )}
            {m.highlight && (
              <button
                type="button"
                className="show-in-view"
                onClick={() => {
                  controller.showHighlights(m.highlight ?? null);
                  useLayout.getState().show('view');
                }}
              >
                Show in 3D view
              </button>
            )}
            {m.error && <span className="meta error">{m.error}</span>}
            {m.offer === 'vlm-wasm' && (
              <button type="button" className="offer" onClick={() => controller.runChatOnWasm()}>
                Run the chat on WASM
              </button>
            )}
          </li>
        ))}
      </ol>
      <p className="visually-hidden" role="status" data-testid="chat-announcer">
        {announced}
      </p>
      <form
        className="composer"
        onSubmit={(e) => {
          e.preventDefault();
          send();
        }}
      >
        <textarea
          value={draft}
          placeholder="Ask a spatial question…"
          aria-label="Question"
          rows={2}
          enterKeyHint="send"
          onChange={(e) => setDraft(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              send();
            }
          }}
        />
        {replying ? (
          <button type="button" className="stop" onClick={() => controller.stopReply()}>
            Stop
          </button>
        ) : (
          <button type="submit" disabled={!draft.trim()}>
            Send
          </button>
        )}
      </form>
    </section>
  );
}
