-- The SQLite ledger's tables at schema version 2 as medaid 0.x (before the one column list) wrote them.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS settlements (
    seq INTEGER PRIMARY KEY,
    claim_id TEXT NOT NULL UNIQUE,
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    date TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('inpatient', 'outpatient')),
    self_pay_fen INTEGER NOT NULL CHECK (self_pay_fen >= 0),
    categories TEXT NOT NULL,
    resident_insurance INTEGER NOT NULL,
    category TEXT NOT NULL,
    ratio_ppm INTEGER NOT NULL,
    offset_fen INTEGER NOT NULL,
    eligible_fen INTEGER NOT NULL,
    before_cap_fen INTEGER NOT NULL,
    assistance_fen INTEGER NOT NULL CHECK (assistance_fen >= 0),
    deductible_subsidy_fen INTEGER NOT NULL CHECK (deductible_subsidy_fen >= 0),
    cap_fen INTEGER,
    cap_left_fen INTEGER,
    cap_bound INTEGER NOT NULL,
    policy_id TEXT NOT NULL,
    policy_hash TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    provisional TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('settled', 'reversed')),
    settled_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS settlements_person_year ON settlements (person_id, year);
CREATE TABLE IF NOT EXISTS usage (
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    paid_inpatient_fen INTEGER NOT NULL,
    paid_outpatient_fen INTEGER NOT NULL,
    offset_used_fen INTEGER NOT NULL,
    subsidy_paid_fen INTEGER NOT NULL,
    PRIMARY KEY (person_id, year)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reversals (
    claim_id TEXT PRIMARY KEY REFERENCES settlements (claim_id),
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    kind TEXT NOT NULL,
    reason TEXT NOT NULL,
    assistance_fen INTEGER NOT NULL,
    deductible_subsidy_fen INTEGER NOT NULL,
    offset_fen INTEGER NOT NULL,
    reversed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS adjustments (
    id INTEGER PRIMARY KEY,
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    fingerprint TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    UNIQUE (person_id, year, fingerprint)
);
CREATE TABLE IF NOT EXISTS adjustment_lines (
    adjustment_id INTEGER NOT NULL REFERENCES adjustments (id),
    claim_id TEXT NOT NULL REFERENCES settlements (claim_id),
    assistance_fen INTEGER NOT NULL,
    deductible_subsidy_fen INTEGER NOT NULL,
    offset_fen INTEGER NOT NULL,
    PRIMARY KEY (adjustment_id, claim_id)
);
CREATE INDEX IF NOT EXISTS adjustment_lines_claim ON adjustment_lines (claim_id);
CREATE TABLE IF NOT EXISTS schema_history (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, medaid_version TEXT NOT NULL);
