"""Who may call an operation at all (`Rule`), and whose objects a caller may see
(`Principal.owns`): deny by default, 401 for nobody, 403 for the wrong somebody, and another
customer's object as missing as one that does not exist."""

from __future__ import annotations

import pytest

from application.shared.access import (
    MAIN_STORE,
    Forbidden,
    Principal,
    Role,
    Rule,
    Unauthenticated,
)
from domain.shared.errors import NotFound
from tests.support.actors import admin, anonymous, customer

# -- who may call ------------------------------------------------------------------------
RULES = [
    # (rule, caller, outcome): None lets them through.
    (Rule.ANYONE, anonymous(), None),
    (Rule.ANYONE, customer(3), None),
    (Rule.ANYONE, admin(), None),
    (Rule.SIGNED_IN, anonymous(), Unauthenticated),
    (Rule.SIGNED_IN, customer(3), None),
    (Rule.SIGNED_IN, admin(), None),
    (Rule.ADMIN, anonymous(), Unauthenticated),
    (Rule.ADMIN, customer(3), Forbidden),
    (Rule.ADMIN, admin(), None),
]


@pytest.mark.parametrize(("rule", "caller", "outcome"), RULES)
def test_each_rule_lets_its_callers_through_and_refuses_the_others(rule, caller, outcome):
    if outcome is None:
        assert rule.check(caller) is caller
    else:
        with pytest.raises(outcome) as refused:
            rule.check(caller)
        # Exactly that error: a 401 is never a 403, nor the other way round.
        assert type(refused.value) is outcome


def test_a_principal_is_its_role_and_id_and_nothing_more():
    assert (anonymous().role, anonymous().user_id, anonymous().store) == (
        Role.ANONYMOUS,
        None,
        MAIN_STORE,
    )
    assert (customer(3).role, customer(3).user_id) == (Role.CUSTOMER, 3)
    assert admin().role is Role.ADMIN
    assert (anonymous().is_signed_in, customer(3).is_signed_in, admin().is_signed_in) == (
        False,
        True,
        True,
    )
    assert (anonymous().is_admin, customer(3).is_admin, admin().is_admin) == (False, False, True)
    assert Principal.user(3, is_admin=False, store="outlet").store == "outlet"


def test_the_acting_user_is_the_callers_id_and_nobody_has_none():
    assert customer(3).acting_user() == 3
    with pytest.raises(Unauthenticated):
        anonymous().acting_user()


# -- whose objects -----------------------------------------------------------------------
def test_a_customer_owns_their_own_things_only():
    assert customer(3).owns(3)
    assert not customer(3).owns(4)
    assert not customer(3).owns(None)


def test_an_admin_may_act_on_anything_and_nobody_on_nothing():
    assert admin().owns(3)
    assert admin().owns(None)
    assert not anonymous().owns(3)
    # An owner of None is no one's: an anonymous caller does not own it by matching None.
    assert not anonymous().owns(None)


def test_what_a_caller_does_not_own_is_not_found_as_if_it_did_not_exist():
    customer(3).visible(3, "order", 12)
    admin().visible(4, "order", 12)

    with pytest.raises(NotFound) as refused:
        customer(3).visible(4, "order", 12)
    with pytest.raises(NotFound):
        anonymous().visible(4, "order", 12)

    missing = NotFound("order", 12)
    assert (refused.value.entity, refused.value.detail) == (missing.entity, missing.detail)
