import { type ReactNode, useRef } from 'react';

/**
 * A real button that opens the file picker (so Tab reaches it and Enter / Space work, which a label around a hidden
 * input does not give) and hands over the files chosen (none: nothing happens). The input is cleared after each
 * choice, so choosing the same file again fires again.
 */
export function FilePickerButton(props: {
  children: ReactNode;
  accept: string;
  multiple?: boolean;
  disabled: boolean;
  testId: string;
  onFiles: (files: File[]) => void;
}) {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" disabled={props.disabled} onClick={() => input.current?.click()}>
        {props.children}
      </button>
      <input
        ref={input}
        type="file"
        hidden
        tabIndex={-1}
        accept={props.accept}
        multiple={props.multiple}
        disabled={props.disabled}
        data-testid={props.testId}
        onChange={(e) => {
          const files = Array.from(e.currentTarget.files ?? []);
          e.currentTarget.value = '';
          if (files.length) props.onFiles(files);
        }}
      />
    </>
  );
}
