"""The store's children, referrals and decisions methods (mixed into ``webapp.store.Store``).

Split from ``webapp.store`` to keep modules small; every method uses ``self.session()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from matching.domain import Decision, LookedAfterChild, Referral, ReferralStatus
from webapp.models import ChildRow, DecisionRow, ReferralRow
from webapp.store_rows import (
    DuplicateRecordError,
    UnknownRecordError,
    child_from_row,
    decision_from_row,
    referral_child_rows,
    referral_from_row,
    referral_values,
)


class ChildrenReferralsDecisions:
    """Children looked after, referrals and placement decisions."""

    def session(self) -> AbstractContextManager[Session]:  # pragma: no cover - Store's
        raise NotImplementedError

    # -- children looked after ----------------------------------------------------------

    def list_children(self, *, household_id: str | None = None) -> list[LookedAfterChild]:
        query = select(ChildRow).order_by(ChildRow.child_id)
        if household_id is not None:
            query = query.where(ChildRow.household_id == household_id)
        with self.session() as session:
            return [child_from_row(row) for row in session.scalars(query)]

    def get_child(self, child_id: str) -> LookedAfterChild:
        with self.session() as session:
            row = session.get(ChildRow, child_id)
            if row is None:
                raise UnknownRecordError("child", child_id)
            return child_from_row(row)

    def add_child(self, child: LookedAfterChild) -> None:
        self.save_children([child], allow_update=False)

    def update_child(self, child: LookedAfterChild) -> None:
        self.save_children([child], allow_new=False)

    def save_children(
        self,
        children: Iterable[LookedAfterChild],
        *,
        allow_new: bool = True,
        allow_update: bool = True,
    ) -> None:
        """Insert or update children in one transaction, checking each household's places."""
        from webapp.store_decisions import save_children

        with self.session() as session:
            save_children(session, list(children), allow_new=allow_new, allow_update=allow_update)

    # -- referrals ----------------------------------------------------------------------

    def list_referrals(self, *, open_only: bool = False) -> list[Referral]:
        query = select(ReferralRow).options(selectinload(ReferralRow.children))
        if open_only:
            query = query.where(ReferralRow.status == str(ReferralStatus.OPEN))
        with self.session() as session:
            rows = session.scalars(query.order_by(ReferralRow.received_on, ReferralRow.referral_id))
            return [referral_from_row(row) for row in rows]

    def get_referral(self, referral_id: str) -> Referral:
        with self.session() as session:
            row = session.get(ReferralRow, referral_id)
            if row is None:
                raise UnknownRecordError("referral", referral_id)
            return referral_from_row(row)

    def add_referral(self, referral: Referral) -> None:
        with self.session() as session:
            if session.get(ReferralRow, referral.referral_id) is not None:
                raise DuplicateRecordError(f"referral {referral.referral_id} already exists")
            row = ReferralRow(**referral_values(referral), version=0)
            row.children = referral_child_rows(referral)
            session.add(row)

    def update_referral(self, referral: Referral) -> None:
        with self.session() as session:
            row = session.get(ReferralRow, referral.referral_id, with_for_update=True)
            if row is None:
                raise UnknownRecordError("referral", referral.referral_id)
            for key, value in referral_values(referral).items():
                setattr(row, key, value)
            row.children.clear()
            session.flush()
            row.children.extend(referral_child_rows(referral))
            row.version += 1

    # -- decisions ----------------------------------------------------------------------

    def list_decisions(
        self, *, referral_id: str | None = None, household_id: str | None = None
    ) -> list[Decision]:
        """Decisions in the order they were recorded."""
        query = select(DecisionRow).order_by(DecisionRow.decision_id)
        if referral_id is not None:
            query = query.where(DecisionRow.referral_id == referral_id)
        if household_id is not None:
            query = query.where(DecisionRow.household_id == household_id)
        with self.session() as session:
            return [decision_from_row(row) for row in session.scalars(query)]

    def record_decision(self, decision: Decision) -> Decision:
        """Place the decision's children in the household, in one transaction.

        Checks the referral is open and the household has enough vacancies; places the
        children (all unplaced children of the referral when ``child_ids`` is empty); marks
        the referral placed once all its children are placed; appends the decision.

        Raises
        ------
        VacancyTakenError, ReferralClosedError, UnknownRecordError
        """
        from webapp.store_decisions import record_decision

        with self.session() as session:
            return record_decision(session, decision)

    def record_decisions(self, decisions: Iterable[Decision]) -> list[Decision]:
        """Record several decisions (e.g. an accepted joint allocation) all or nothing.

        If any decision cannot be made, or anything fails part-way, none is recorded and the
        store is exactly as it was.
        """
        from webapp.store_decisions import record_decision

        with self.session() as session:
            return [record_decision(session, d) for d in decisions]
