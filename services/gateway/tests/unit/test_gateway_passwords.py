"""Passwords are stored as Argon2id hashes and checked in constant-ish time."""

from __future__ import annotations

import time

from argon2 import PasswordHasher

from switchboard_gateway.passwords import Passwords, password_problem

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


def test_a_hash_is_argon2id_and_not_the_password() -> None:
    hashed = Passwords(FAST).hash("correct-horse-battery")
    assert hashed.startswith("$argon2id$")
    assert "correct-horse-battery" not in hashed


def test_the_right_password_verifies_and_a_wrong_one_does_not() -> None:
    passwords = Passwords(FAST)
    hashed = passwords.hash("correct-horse-battery")
    assert passwords.verify(hashed, "correct-horse-battery")
    assert not passwords.verify(hashed, "correct-horse-batterz")


def test_an_unknown_account_never_verifies() -> None:
    assert not Passwords(FAST).verify(None, "not-a-real-password-only-for-timing")


def test_a_corrupt_hash_does_not_verify() -> None:
    assert not Passwords(FAST).verify("not-a-hash", "anything")


def test_an_unknown_account_costs_about_as_much_as_a_known_one() -> None:
    passwords = Passwords()
    hashed = passwords.hash("correct-horse-battery")

    def fastest(stored: str | None) -> float:
        """The fastest of several checks: robust against a busy machine."""
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            passwords.verify(stored, "wrong-password-here")
            runs.append(time.perf_counter() - started)
        return min(runs)

    known, unknown = fastest(hashed), fastest(None)
    assert 0.5 < unknown / known < 2.0


def test_short_and_huge_passwords_are_refused() -> None:
    assert password_problem("short") is not None
    assert password_problem("x" * 300) is not None
    assert password_problem("long-enough-password") is None
