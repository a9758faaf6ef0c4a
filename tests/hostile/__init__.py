"""The hostile suite: generated inputs and faults, and what claimdesk does with each.

Articles (`claims`, `ingest`, then every export; corpus.py):
- empty or whitespace-only file: "FILE is empty.", exit 1, store unchanged.
- 5 MB article: split in seconds within 500 MB; stored with its first 2,000 claims (a
  warning says how many sentences there were) and matched in well under a minute (slow).
- 10,000-item bullet list, emoji and CJK, CRLF and bare CR, deeply nested HTML: stored.
- 200,000 characters without punctuation: cut into claims of at most 1,000 characters.
- PNG, more than 1% NUL bytes, random bytes (more than 2% other C0 control bytes and not
  UTF-8): "FILE looks like ..., not text", exit 1.
- invalid UTF-8, UTF-16 with BOM: decoded (detection, replacement chars).
- terminal escapes (CSI, OSC 0/8/52, BEL, C1 0x9B), NUL: replaced by U+FFFD or dropped
  at ingest; none reaches the store, the output, the exports or the screen.
- Rich/Textual markup: stored and shown literally; nothing clickable runs.
- bidi controls, zero-width characters: kept in the store, replaced by U+FFFD on the
  desk's screen and in plain command-line output.
- HTML with scripts and styles: scripts and styles dropped, text kept.
Reference files (`import`): rows with wrong types are reported one line each (file and
row), good rows kept, exit 1; hostile text is neutralised; JSON nested 100,000 deep is
refused; a 100,000-digit number is one row's type error.
Network: a gzip bomb is refused under 200 MB; a PDF served as HTML, redirect loops and
redirects to file:// or ftp:// are one-line errors; a feed's entity bomb and external
entity are never expanded or read.
Arguments: bytes that are not UTF-8 give a one-line StoreError or work; escapes in
--note/--checker and other free-text arguments are neutralised before use; a feed URL
holding control characters is refused.
Store files: empty, random, truncated, newer, foreign, read-only, a pipe or device: one
line naming the path, bytes unchanged. A locked store: "busy" sentence, verdict retryable.
An export killed mid-write leaves the previous report intact.
"""
