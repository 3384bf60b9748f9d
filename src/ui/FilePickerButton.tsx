import type { ReactNode } from 'react';

/**
 * A button that opens the file picker and hands over the files chosen (none: nothing happens). The input is cleared
 * after each choice, so choosing the same file again fires again.
 */
export function FilePickerButton(props: {
  children: ReactNode;
  accept: string;
  multiple?: boolean;
  disabled: boolean;
  testId: string;
  onFiles: (files: File[]) => void;
}) {
  return (
    <label className={`button ${props.disabled ? 'disabled' : ''}`}>
      {props.children}
      <input
        type="file"
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
    </label>
  );
}
