-- 0110 (issue 19): what each person taking part in an inquiry has read, so the pages can
-- count unread messages. One row per inquiry and person: the newest message they had seen
-- when they last opened the thread (or wrote in it). Bookkeeping, not a record: not audited.
CREATE TABLE inquiry_reads (
  inquiry_id           INTEGER NOT NULL REFERENCES inquiries(id),
  user_id              INTEGER NOT NULL REFERENCES users(id),
  last_read_message_id INTEGER NOT NULL,
  read_at              TEXT NOT NULL,
  PRIMARY KEY (inquiry_id, user_id)
);
