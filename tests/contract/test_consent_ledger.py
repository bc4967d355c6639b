"""The consent ledger: defaults, scoped changes, the training-region rule, and a
hash chain that exposes any rewrite - on a real store."""

import pytest

from core.frames import Scope
from server.consent import ConsentChangeError, ConsentLedger, ConsentPolicy, LedgerBrokenError
from tests.contract.stores import tamper

POLICY = ConsentPolicy(policy_version="2026-11")


@pytest.fixture
def ledger(store):
    return ConsentLedger(store, POLICY)


def test_a_new_user_has_assist_only(ledger):
    now = ledger.current("u1")
    assert now.scopes == {Scope.ASSIST}
    assert not ledger.training_allowed(now)


def test_training_is_an_explicit_opt_in_and_revocable(ledger):
    granted = ledger.update(
        "u1", grant=[Scope.TRAINING], policy_version="2026-11", actor="user:app"
    )
    assert ledger.current("u1").scopes == {Scope.ASSIST, Scope.TRAINING}
    assert ledger.current("u1").ledger_entry_id == granted.entry_id
    assert ledger.training_allowed(ledger.current("u1"))
    ledger.update("u1", revoke=[Scope.TRAINING], actor="user:app", reason="settings")
    assert not ledger.training_allowed(ledger.current("u1"))
    assert ledger.current("u2").scopes == {Scope.ASSIST}  # nobody else changed


def test_training_is_refused_outside_the_allowed_regions(ledger):
    with pytest.raises(ConsentChangeError, match="not offered in region DE"):
        ledger.update(
            "u1", grant=[Scope.TRAINING], region="DE", policy_version="2026-11", actor="user:app"
        )
    ledger.update("u1", grant=[Scope.TRAINING], policy_version="2026-11", actor="user:app")
    ledger.update("u1", region="DE", actor="user:app", reason="moved")
    assert Scope.TRAINING not in ledger.current("u1").scopes


def test_granting_needs_the_current_policy_version(ledger):
    with pytest.raises(ConsentChangeError, match="current policy version '2026-11'"):
        ledger.update("u1", grant=[Scope.HISTORY], policy_version="2025-01", actor="user:app")


def test_every_change_is_appended_and_the_chain_verifies(ledger, store):
    for k in range(5):
        ledger.update(
            f"u{k % 2}", grant=[Scope.HISTORY], policy_version="2026-11", actor="user:app"
        )
        ledger.update(f"u{k % 2}", revoke=[Scope.HISTORY], actor="user:app")
    assert ledger.verify() == 10
    assert len(store.ledger_entries("u0")) == 6


def test_a_rewritten_entry_breaks_the_chain(ledger, store):
    for _ in range(3):
        ledger.update("u1", grant=[Scope.TRAINING], policy_version="2026-11", actor="user:app")
    tamper(store, "UPDATE consent_ledger SET scopes='assist,training,audio' WHERE seq=2")
    with pytest.raises(LedgerBrokenError, match="entry 2: content was changed"):
        ledger.verify()
    tamper(store, "DELETE FROM consent_ledger WHERE seq=2")
    with pytest.raises(LedgerBrokenError, match="link does not match"):
        ledger.verify()
