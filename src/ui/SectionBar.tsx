import { type Section, SECTIONS, useLayout } from './layout';

/** Small line icons, drawn in the text colour. */
const ICONS: Record<Section, string> = {
  capture: 'M4 8h3l2-3h6l2 3h3v11H4z M12 16.5a3.5 3.5 0 1 0 0-7a3.5 3.5 0 0 0 0 7',
  view: 'M12 3l8 4.5v9L12 21l-8-4.5v-9z M12 12l8-4.5 M12 12v9 M12 12L4 7.5',
  chat: 'M4 5h16v11H9l-5 4z',
  library: 'M4 5h6l2 2h8v12H4z',
};

/** The compact layout's section switch: a bar at the bottom (a rail on the left in landscape). */
export function SectionBar() {
  const { section, unreadChat, show } = useLayout();
  return (
    <nav className="sections" aria-label="Sections">
      {SECTIONS.map((s) => (
        <button
          key={s.id}
          type="button"
          className="section-button"
          aria-current={section === s.id ? 'page' : undefined}
          data-testid={`section-${s.id}`}
          onClick={() => show(s.id)}
        >
          <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
            <path d={ICONS[s.id]} />
          </svg>
          <span>{s.label}</span>
          {s.id === 'chat' && unreadChat && (
            <span className="unread" role="img" aria-label="new answer">
              ●
            </span>
          )}
        </button>
      ))}
    </nav>
  );
}
