-- 0083 (issue 18): a lead adding someone whose e-mail already has an account elsewhere in the
-- cluster learns nothing about that account (docs/threat-model.md, "Accounts"). The request
-- makes a placeholder member instead: `email` is a unique address nobody can sign in with,
-- `claimed_email` the address the lead typed, shown to the lead as the member's e-mail. To the
-- lead it looks like any new member who has not signed in yet; the person, who knows their
-- own account, tells the lead; an administrator resolves it (moves the real account into the
-- team, disables the placeholder).
ALTER TABLE users ADD COLUMN claimed_email TEXT COLLATE NOCASE;
CREATE INDEX users_claimed_email ON users(claimed_email) WHERE claimed_email IS NOT NULL;
