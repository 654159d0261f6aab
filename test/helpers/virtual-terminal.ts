/**
 * A small terminal emulator for tests of what a person sees: printable
 * characters with wrapping at `columns` (xterm's deferred wrap), CR, LF
 * (with the tty's usual CR-LF translation), ESC[nA (cursor up) and ESC[J
 * (erase below). Other escape sequences are ignored.
 */
export class VirtualTerminal {
  private rows: string[][] = [[]];
  private r = 0;
  private c = 0;

  constructor(readonly columns: number) {}

  write(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '\u001b' && text[i + 1] === '[') {
        const m = /^\[(\d*)([A-Za-z])/.exec(text.slice(i + 1));
        if (m) {
          i += m[0].length;
          const n = Number(m[1] || '1');
          if (m[2] === 'A') this.r = Math.max(0, this.r - n);
          else if (m[2] === 'J') {
            this.row().length = Math.min(this.row().length, this.c);
            this.rows.length = this.r + 1;
          }
          continue;
        }
      }
      if (ch === '\r') this.c = 0;
      else if (ch === '\n') {
        this.r++;
        this.c = 0;
      } else {
        if (this.c >= this.columns) {
          this.r++;
          this.c = 0;
        }
        const row = this.row();
        while (row.length < this.c) row.push(' ');
        row[this.c] = ch;
        this.c++;
      }
      this.row();
    }
  }

  /** The screen's rows, trailing spaces and trailing empty rows removed. */
  screen(): string[] {
    const lines = this.rows.map((row) => row.join('').replace(/\s+$/, ''));
    while (lines.length && lines[lines.length - 1] === '') lines.pop();
    return lines;
  }

  private row(): string[] {
    while (this.rows.length <= this.r) this.rows.push([]);
    return this.rows[this.r]!;
  }
}
