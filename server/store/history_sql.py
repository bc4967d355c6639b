"""The store's history queries: one user's samples, newest first, a page at a
time, without their blobs.

Pages are keyed by the last row's (created_at_ns, sample_id), not by an
offset, so page 100 costs what page 1 does: one range scan of the index on
(user_id, created_at_ns, sample_id).
"""

from __future__ import annotations

import json
from typing import Any

from core.frames import ConsentSnapshot
from server.store.base import HistoryRow, scopes_from_text

SCHEMA = """
CREATE INDEX IF NOT EXISTS samples_user_time ON samples(user_id, created_at_ns, sample_id);
"""

# long answers are cut in a list (the whole answer is the sample's own page)
PREVIEW_CHARS = 280

_SELECT = (
    "SELECT s.sample_id, s.created_at_ns, s.device_id, s.query_text, "
    f"substr(s.answer_text, 1, {PREVIEW_CHARS + 1}), s.redaction_json, s.consent_scopes, "
    "s.consent_region, s.consent_policy, s.consent_entry, "
    "(SELECT COUNT(*) FROM sample_blobs b WHERE b.sample_id = s.sample_id AND b.kind = 'frame'), "
    "(SELECT COUNT(*) FROM sample_blobs b WHERE b.sample_id = s.sample_id AND b.kind = 'image') "
    "FROM samples s WHERE s.user_id = ?"
)


class SqlHistory:
    """The history half of :class:`~server.store.sql.SqlSampleStore` (a mixin)."""

    _rows: Any
    _delete: Any

    def history(
        self, user_id: str, before: tuple[int, str] | None = None, limit: int = 20
    ) -> list[HistoryRow]:
        """The user's samples older than ``before`` (created_at_ns, sample_id),
        newest first, at most ``limit``."""
        query, args = _SELECT, [user_id]
        if before is not None:
            query += " AND (s.created_at_ns < ? OR (s.created_at_ns = ? AND s.sample_id < ?))"
            args += [before[0], before[0], before[1]]
        query += " ORDER BY s.created_at_ns DESC, s.sample_id DESC LIMIT ?"
        return [_row(r) for r in self._rows(query, (*args, limit))]

    def delete_sample(self, user_id: str, sample_id: str) -> bool:
        """Delete one of the user's samples and the blobs no other sample shares;
        False when the user has no such sample. Its delivery record stays: a late
        copy of the question is not answered or logged again."""
        samples, _ = self._delete("sample_id=? AND user_id=?", (sample_id, user_id))
        return samples > 0


def _row(r: tuple) -> HistoryRow:
    answer = r[4] or ""
    return HistoryRow(
        sample_id=r[0],
        created_at_ns=int(r[1]),
        device_id=r[2],
        query_text=r[3],
        answer_preview=answer[:PREVIEW_CHARS],
        answer_cut=len(answer) > PREVIEW_CHARS,
        redaction=json.loads(r[5]),
        consent=ConsentSnapshot(scopes_from_text(r[6]), r[7], r[8], r[9]),
        has_frame=int(r[10]) > 0,
        images=int(r[11]),
    )
