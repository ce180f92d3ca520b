"""Batch settlement of claims files (理赔结算): a year of claims at once, equal to :mod:`medaid.rules` to the fen."""

from medaid.batch.settle import RESULT_COLUMNS, SettlementResult, Summary, settle_claims

__all__ = ["RESULT_COLUMNS", "SettlementResult", "Summary", "settle_claims"]
