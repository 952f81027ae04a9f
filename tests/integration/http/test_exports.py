"""/exports/users: every user as CSV, streamed in batches, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from tests.integration.http.api import Api

HEADER = [
    "id",
    "username",
    "email",
    "full_name",
    "bio",
    "is_active",
    "is_superuser",
    "credits",
    "created_at",
    "updated_at",
]


async def _export(api: Api) -> tuple[dict[str, str], list[dict[str, str]]]:
    response = await api.client.get("/exports/users")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == HEADER
    return dict(response.headers), [dict(zip(HEADER, row, strict=True)) for row in rows[1:]]


async def test_the_export_is_a_csv_attachment_with_one_row_per_user(api: Api) -> None:
    users = [await api.user(full_name="Ada Lovelace", bio="Notes, on engines") for _ in range(2)]

    headers, rows = await _export(api)

    assert headers["content-type"].startswith("text/csv")
    assert headers["content-disposition"] == 'attachment; filename="users.csv"'
    by_id = {int(row["id"]): row for row in rows}
    for user in users:
        row = by_id[user["id"]]
        assert (row["username"], row["email"]) == (user["username"], user["email"])
        assert (row["full_name"], row["bio"]) == ("Ada Lovelace", "Notes, on engines")
        assert (row["is_active"], row["is_superuser"], row["credits"]) == ("true", "false", "0.00")
    assert [int(row["id"]) for row in rows] == sorted(int(row["id"]) for row in rows)


async def test_cells_a_spreadsheet_would_run_as_formulas_are_quoted(api: Api) -> None:
    risky = {
        '=HYPERLINK("http://x")': '\'=HYPERLINK("http://x")',
        "+1+1": "'+1+1",
        "-2+3": "'-2+3",
        "@SUM(A1)": "'@SUM(A1)",
        "plain text": "plain text",
    }
    made = {(await api.user(full_name=text))["id"]: text for text in risky}

    _, rows = await _export(api)

    by_id = {int(row["id"]): row for row in rows}
    for user_id, text in made.items():
        assert by_id[user_id]["full_name"] == risky[text]


async def test_an_email_starting_with_a_formula_sign_is_quoted_too(api: Api) -> None:
    name = api.unique("eq")
    user = await api.user(email=f"={name}@example.com")

    _, rows = await _export(api)

    (row,) = [row for row in rows if int(row["id"]) == user["id"]]
    assert row["email"] == f"'={name}@example.com"
