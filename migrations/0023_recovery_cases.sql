-- Support-assisted recovery decided by two members (issue 12, SECURITY 28). Portable SQL.
--
-- `locale`: the language the customer wrote the case in (the link and the answer use it);
-- `first_approved_at`: when the first of the two approvals came; `rejected_by`: the member who
-- rejected (the approvers are `first_approver` / `second_approver`, staff member ids).
ALTER TABLE recovery_cases ADD COLUMN locale TEXT;
ALTER TABLE recovery_cases ADD COLUMN first_approved_at BIGINT;
ALTER TABLE recovery_cases ADD COLUMN rejected_by TEXT;
-- The staff list pages through cases newest first, by status or all.
CREATE INDEX recovery_cases_created ON recovery_cases (created_at, id);
