"""The organisation tree's pure core (组织机构同步核心): parsing, agencies, desired state, diff."""

import pytest

from sd.archive.core.identity.directory import Desired
from sd.archive.core.identity.directory import MalformedAnswer
from sd.archive.core.identity.directory import Member
from sd.archive.core.identity.directory import agency_group
from sd.archive.core.identity.directory import department_group
from sd.archive.core.identity.directory import desired
from sd.archive.core.identity.directory import diff
from sd.archive.core.identity.directory import parse_departments
from sd.archive.core.identity.directory import parse_members
from sd.archive.core.identity.directory import parse_user
from sd.archive.core.identity.directory import role_group
from sd.archive.core.identity.mapping import DEFAULT_MAPPING_TEXT
from sd.archive.core.identity.mapping import MappingError
from sd.archive.core.identity.mapping import parse_bindings
from sd.archive.core.identity.mapping import parse_mapping

DEPARTMENTS = {
    "errcode": 0,
    "errmsg": "ok",
    "department": [
        {"id": 1, "name": "山东省", "parentid": 0},
        {"id": 2, "name": "省档案局", "parentid": 1},
        {"id": 3, "name": "办公室", "parentid": 2},
        {"id": 4, "name": "省财政厅", "parentid": 1},
    ],
}
MAPPING = parse_mapping(DEFAULT_MAPPING_TEXT)
BINDINGS = {"2": "j001", "4": "j002"}


def members(*extra):
    return [
        Member("zhang", "张三", ("3",), ("档案员",)),
        Member("li", "李四", ("4",), ("科员",), ("分管领导",)),
        *extra,
    ]


def test_parse_departments_reads_the_published_shape():
    deps = parse_departments(DEPARTMENTS)
    assert deps["3"].parent == "2" and deps["1"].parent == "" and deps["3"].name == "办公室"


@pytest.mark.parametrize(
    "payload, code",
    [
        ([], "directory.shape"),
        ({"errcode": 40014, "errmsg": "invalid access_token"}, "directory.errcode"),
        ({"errcode": 0, "department": "x"}, "directory.shape"),
        (
            {"errcode": 0, "department": [{"id": "2", "name": "x", "parentid": 1}]},
            "directory.department",
        ),
        (
            {
                "errcode": 0,
                "department": [
                    {"id": 2, "name": "x", "parentid": 3},
                    {"id": 3, "name": "y", "parentid": 2},
                ],
            },
            "directory.cycle",
        ),
        (
            {"errcode": 0, "department": [{"id": 2, "name": "x"}, {"id": 2, "name": "y"}]},
            "directory.duplicate",
        ),
    ],
)
def test_malformed_departments_refused_whole(payload, code):
    with pytest.raises(MalformedAnswer) as caught:
        parse_departments(payload)
    assert code in [p.code for p in caught.value.problems]
    assert caught.value.type == "DirectoryMalformed"


def test_parse_members_and_user():
    found = parse_members(
        {
            "errcode": 0,
            "userlist": [
                {"userid": "a", "name": "甲", "department": [2], "position": "档案员", "status": 1}
            ],
        }
    )
    assert found[0].departments == ("2",) and found[0].positions == ("档案员",) and found[0].active
    assert (
        parse_user(
            {"errcode": 0, "userid": "b", "name": "乙", "department": [3], "status": 5}
        ).active
        is False
    )
    with pytest.raises(MalformedAnswer):
        parse_members({"errcode": 0, "userlist": [{"name": "no id"}]})
    with pytest.raises(MalformedAnswer):
        parse_members({"errcode": 0, "userlist": [{"userid": "x", "department": {"a": 1}}]})


def test_desired_groups_grants_and_memberships():
    want = desired(parse_departments(DEPARTMENTS), members(), BINDINGS, MAPPING)
    assert want.groups[department_group("3")].description == "山东省/省档案局/办公室"
    # the officer of 办公室 is an officer of its agency 省档案局 (bound to j001), through a group
    assert want.memberships["zhang"] == {department_group("3"), agency_group("2", "RecordsOfficer")}
    assert want.local_grants["j001"] == {
        agency_group("2", "RecordsOfficer"): {"RecordsOfficer", "Reader"}
    }
    # the leader tag gives the global role through its group
    assert role_group("Leader") in want.memberships["li"]
    assert want.global_grants[role_group("Leader")] == {"Leader"}
    # no account ever gets a local grant
    assert all(g.startswith("dir-") for grants in want.local_grants.values() for g in grants)


def test_diff_of_identical_states_is_empty_and_of_empty_site_creates():
    deps = parse_departments(DEPARTMENTS)
    want = desired(deps, members(), BINDINGS, MAPPING)
    assert len(diff(want, want)) == 0
    plan = diff(Desired(), want)
    counts = plan.counts()
    assert counts["account.add"] == 2 and counts["group.add"] == len(want.groups)
    assert [c.kind for c in plan.changes].index("group.add") < [c.kind for c in plan.changes].index(
        "member.join"
    )


def test_member_moved_between_agencies():
    deps = parse_departments(DEPARTMENTS)
    before = desired(deps, members(), BINDINGS, MAPPING)
    moved = desired(
        deps, [Member("zhang", "张三", ("4",), ("档案员",)), members()[1]], BINDINGS, MAPPING
    )
    plan = diff(before, moved)
    assert Change_in(plan, "member.leave", "zhang", agency_group("2", "RecordsOfficer"))
    assert Change_in(plan, "member.join", "zhang", agency_group("4", "RecordsOfficer"))
    assert not plan.of("grant.local")  # no grant changes: the fonds' security stays as it is


def Change_in(plan, kind, subject, target):
    return any(c.kind == kind and c.subject == subject and c.target == target for c in plan.changes)


def test_department_moved_changes_agency_of_its_subtree():
    deps = parse_departments(DEPARTMENTS)
    before = desired(deps, members(), BINDINGS, MAPPING)
    moved = dict(
        DEPARTMENTS,
        department=[
            *DEPARTMENTS["department"][:2],
            {"id": 3, "name": "办公室", "parentid": 4},
            DEPARTMENTS["department"][3],
        ],
    )
    after = desired(parse_departments(moved), members(), BINDINGS, MAPPING)
    plan = diff(before, after)
    assert Change_in(plan, "member.leave", "zhang", agency_group("2", "RecordsOfficer"))
    assert Change_in(plan, "member.join", "zhang", agency_group("4", "RecordsOfficer"))
    assert [c.subject for c in plan.of("group.update")] == [department_group("3")]


def test_member_removed_is_disabled_and_leaves_groups():
    deps = parse_departments(DEPARTMENTS)
    before = desired(deps, members(), BINDINGS, MAPPING)
    after = desired(deps, members()[1:], BINDINGS, MAPPING)
    plan = diff(before, after)
    assert [c.subject for c in plan.of("account.disable")] == ["zhang"]
    assert {c.target for c in plan.of("member.leave")} == before.memberships["zhang"]


def test_position_changed():
    deps = parse_departments(DEPARTMENTS)
    before = desired(deps, members(), BINDINGS, MAPPING)
    after = desired(
        deps, [Member("zhang", "张三", ("3",), ("科员",)), members()[1]], BINDINGS, MAPPING
    )
    plan = diff(before, after)
    assert [(c.kind, c.target) for c in plan.changes if c.kind.startswith("member")] == [
        ("member.leave", agency_group("2", "RecordsOfficer"))
    ]
    assert plan.of("account.update")


def test_skipped_administrators_are_never_changed():
    deps = parse_departments(DEPARTMENTS)
    want = desired(
        deps, members(Member("secadmin", "安全员", ("3",), ("档案员",))), BINDINGS, MAPPING
    )
    plan = diff(Desired(), want, skip=frozenset({"secadmin"}))
    assert not [c for c in plan.changes if c.subject == "secadmin"]


def test_partial_diff_disables_only_the_gone():
    deps = parse_departments(DEPARTMENTS)
    have = desired(deps, members(), BINDINGS, MAPPING)
    plan = diff(have, Desired(), partial=True, gone=frozenset({"zhang"}))
    assert [c.subject for c in plan.of("account.disable")] == ["zhang"]
    assert {c.subject for c in plan.changes} == {"zhang"}


@pytest.mark.parametrize(
    "text, code",
    [
        ("position: 档案员 = SecurityAdministrator", "mapping.reserved"),
        ("position: 档案员 = Manager", "mapping.reserved"),
        ("position 档案员 RecordsOfficer", "mapping.syntax"),
        ("grade: 1 = Leader", "mapping.kind"),
        ("position: x = Editor", "mapping.role"),
    ],
)
def test_mapping_refuses_bad_rules(text, code):
    with pytest.raises(MappingError) as caught:
        parse_mapping(text)
    assert [p.code for p in caught.value.problems] == [code]


def test_mapping_roles_and_bindings():
    assert MAPPING.roles_for(["档案员"], []) == {"RecordsOfficer"}
    assert MAPPING.roles_for([], ["分管领导"]) == {"Leader"}
    assert parse_mapping(MAPPING.text()) == MAPPING
    assert parse_bindings("2 = j001\n# c\n4=j002") == BINDINGS
    with pytest.raises(MappingError):
        parse_bindings("2 = j001\n2 = j002")


def test_callback_signature_and_checks():
    from sd.archive.core.identity.directory import callback_signature
    from sd.archive.core.identity.directory import check_callback

    body = '{"ChangeType": "update_user", "UserID": "zhang"}'
    signature = callback_signature("tok", "1700000000", "n1", body)
    assert check_callback("tok", signature, "1700000000", "n1", body, 1700000010) == []
    # any change of the body, a wrong token or an old timestamp is refused
    assert (
        check_callback("tok", signature, "1700000000", "n1", body + " ", 1700000010)[0].code
        == "callback.signature"
    )
    assert (
        check_callback("other", signature, "1700000000", "n1", body, 1700000010)[0].code
        == "callback.signature"
    )
    assert (
        check_callback("tok", signature, "1700000000", "n1", body, 1700009999)[0].code
        == "callback.stale"
    )
    assert (
        check_callback("", signature, "1700000000", "n1", body, 0)[0].code
        == "callback.not-configured"
    )


def test_parse_events():
    from sd.archive.core.identity.directory import parse_events

    assert parse_events({"ChangeType": "update_user", "UserID": "a", "NewUserID": "b"}) == (
        ["a", "b"],
        False,
        [],
    )
    users, departments, problems = parse_events(
        {"events": [{"ChangeType": "update_party", "Id": 3}, {"ChangeType": "x"}]}
    )
    assert departments is True and [p.code for p in problems] == ["callback.event"]


def test_full_sync_due():
    from sd.archive.core.identity.directory import full_sync_due

    ok = {"kind": "full", "status": "ok", "started": 1000.0}
    assert full_sync_due([], 24, 2000.0)
    assert not full_sync_due([ok], 24, 2000.0)
    assert full_sync_due([ok], 24, 1000.0 + 24 * 3600)
    assert full_sync_due([{**ok, "status": "unreachable", "started": 5000.0}], 1, 4000.0)
    assert not full_sync_due([], 0, 2000.0)


AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"  # 43 characters, as the platform issues


def test_encrypted_envelope_round_trip_and_refusals():
    from sd.archive.core.identity.directory import decrypt_message
    from sd.archive.core.identity.directory import encrypt_message
    from sd.archive.core.identity.directory import encrypted_field
    from sd.archive.core.identity.directory import event_fields

    inner = (
        "<xml><Event>change_contact</Event><ChangeType>update_user</ChangeType>"
        "<UserID>zhang</UserID></xml>"
    )
    encrypted = encrypt_message(AES_KEY, inner, "ww-corp")
    assert decrypt_message(AES_KEY, encrypted, "ww-corp") == inner
    assert event_fields(inner)["UserID"] == "zhang"
    body = f"<xml><ToUserName>ww-corp</ToUserName><Encrypt>{encrypted}</Encrypt></xml>"
    assert encrypted_field(body) == encrypted
    assert encrypted_field('{"ChangeType": "x"}') is None
    with pytest.raises(ValueError):
        decrypt_message(AES_KEY, encrypted, "another-corp")  # not meant for this receiver
    with pytest.raises(ValueError):
        decrypt_message("A" * 43, encrypted, "ww-corp")  # another key: padding or receiver wrong
    with pytest.raises(ValueError):
        decrypt_message(AES_KEY, "not base64!", "ww-corp")
