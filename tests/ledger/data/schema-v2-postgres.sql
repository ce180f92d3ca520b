-- The PostgreSQL tables of ledger schema version 2 as medaid wrote them before they were declared once
-- (medaid.ledger.sql); tests/ledger/test_columns.py compares the generated DDL with this.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE SEQUENCE settlement_seq;
CREATE TABLE settlements (
    seq BIGINT PRIMARY KEY,
    claim_id TEXT NOT NULL UNIQUE,
    person_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    date DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('inpatient', 'outpatient')),
    self_pay_fen BIGINT NOT NULL CHECK (self_pay_fen >= 0),
    categories TEXT NOT NULL,
    resident_insurance BOOLEAN NOT NULL,
    category TEXT NOT NULL,
    ratio_ppm INTEGER NOT NULL,
    offset_fen BIGINT NOT NULL,
    eligible_fen BIGINT NOT NULL,
    before_cap_fen BIGINT NOT NULL,
    assistance_fen BIGINT NOT NULL CHECK (assistance_fen >= 0),
    deductible_subsidy_fen BIGINT NOT NULL CHECK (deductible_subsidy_fen >= 0),
    cap_fen BIGINT,
    cap_left_fen BIGINT,
    cap_bound BOOLEAN NOT NULL,
    policy_id TEXT NOT NULL,
    policy_hash TEXT NOT NULL,
    engine_version TEXT NOT NULL,
    provisional TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('settled', 'reversed')),
    settled_at TEXT NOT NULL
);
CREATE INDEX settlements_person_year ON settlements (person_id, year);
CREATE TABLE usage (
        person_id TEXT NOT NULL,
        year INTEGER NOT NULL,
        paid_inpatient_fen BIGINT NOT NULL,
        paid_outpatient_fen BIGINT NOT NULL,
        offset_used_fen BIGINT NOT NULL,
        subsidy_paid_fen BIGINT NOT NULL,
        PRIMARY KEY (person_id, year)
    );
CREATE TABLE reversals (
        claim_id TEXT PRIMARY KEY REFERENCES settlements (claim_id),
        person_id TEXT NOT NULL,
        year INTEGER NOT NULL,
        kind TEXT NOT NULL,
        reason TEXT NOT NULL,
        assistance_fen BIGINT NOT NULL,
        deductible_subsidy_fen BIGINT NOT NULL,
        offset_fen BIGINT NOT NULL,
        reversed_at TEXT NOT NULL
    );
CREATE TABLE adjustments (
        id BIGSERIAL PRIMARY KEY,
        person_id TEXT NOT NULL,
        year INTEGER NOT NULL,
        fingerprint TEXT NOT NULL,
        applied_at TEXT NOT NULL,
        UNIQUE (person_id, year, fingerprint)
    );
CREATE TABLE adjustment_lines (
        adjustment_id BIGINT NOT NULL REFERENCES adjustments (id),
        claim_id TEXT NOT NULL REFERENCES settlements (claim_id),
        assistance_fen BIGINT NOT NULL,
        deductible_subsidy_fen BIGINT NOT NULL,
        offset_fen BIGINT NOT NULL,
        PRIMARY KEY (adjustment_id, claim_id)
    );
CREATE INDEX adjustment_lines_claim ON adjustment_lines (claim_id);
CREATE TABLE schema_history (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL, medaid_version TEXT NOT NULL);
