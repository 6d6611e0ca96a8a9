"""/api/v1/users/me/sessions: one's live sessions (where and when each started, which is this one) and ending them."""
import uuid

from ..helpers import PASSWORD, bearer, login, make_user

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
          "Version/17.5 Mobile/15E148 Safari/604.1")


def sign_in(client, user, source, agent):
    return client.post("/api/v1/auth/login", json={"email": user.email, "password": PASSWORD},
                       environ_base={"REMOTE_ADDR": source}, headers={"User-Agent": agent}).json


def listed(client, token):
    resp = client.get("/api/v1/users/me/sessions", headers=bearer(token))
    assert resp.status_code == 200
    return resp.json


def refresh(client, pair):
    return client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]})


def test_each_sign_in_is_a_session_with_its_address_and_browser_and_this_one_is_marked(client, db):
    user = make_user(db, "therapist")
    laptop = sign_in(client, user, "198.51.100.10", FIREFOX)
    phone = sign_in(client, user, "198.51.100.11", SAFARI)
    sessions = listed(client, laptop["access_token"])
    assert len(sessions) == 2
    by_address = {s["address"]: s for s in sessions}
    assert by_address["198.51.100.10"]["browser"] == "Firefox" and by_address["198.51.100.10"]["system"] == "Linux"
    assert by_address["198.51.100.11"]["browser"] == "Safari" and by_address["198.51.100.11"]["system"] == "iOS"
    assert by_address["198.51.100.10"]["current"] is True and by_address["198.51.100.11"]["current"] is False
    assert [s["current"] for s in listed(client, phone["access_token"]) if s["address"] == "198.51.100.11"] == [True]


def test_a_refreshed_session_keeps_its_id_address_and_start(client, db):
    user = make_user(db, "front_desk")
    pair = sign_in(client, user, "198.51.100.20", FIREFOX)
    [before] = listed(client, pair["access_token"])
    renewed = client.post("/api/v1/auth/refresh", json={"refresh_token": pair["refresh_token"]},
                          environ_base={"REMOTE_ADDR": "198.51.100.99"}).json
    [after] = listed(client, renewed["access_token"])
    assert (after["id"], after["address"], after["started_at"], after["browser"]) == \
        (before["id"], "198.51.100.20", before["started_at"], "Firefox")
    assert after["last_active_at"] >= before["last_active_at"] and after["current"] is True


def test_ending_another_session_signs_it_out_and_this_one_goes_on(client, db):
    user = make_user(db, "biller")
    mine = sign_in(client, user, "198.51.100.30", FIREFOX)
    other = sign_in(client, user, "198.51.100.31", SAFARI)
    [target] = [s for s in listed(client, mine["access_token"]) if not s["current"]]
    resp = client.delete(f"/api/v1/users/me/sessions/{target['id']}", headers=bearer(mine["access_token"]))
    assert resp.status_code == 204
    assert refresh(client, other).status_code == 401
    assert client.get("/api/v1/users/me", headers=bearer(other["access_token"])).status_code == 401
    renewed = refresh(client, mine)  # this session's access token ended too: it refreshes and goes on
    assert renewed.status_code == 200
    assert [s["address"] for s in listed(client, renewed.json["access_token"])] == ["198.51.100.30"]


def test_another_persons_session_or_an_unknown_one_is_a_404(client, db):
    user, stranger = make_user(db, "therapist"), make_user(db, "therapist")
    mine = sign_in(client, user, "198.51.100.40", FIREFOX)
    theirs = sign_in(client, stranger, "198.51.100.41", FIREFOX)
    [their_session] = listed(client, theirs["access_token"])
    for session_id in (their_session["id"], str(uuid.uuid4())):
        resp = client.delete(f"/api/v1/users/me/sessions/{session_id}", headers=bearer(mine["access_token"]))
        assert resp.status_code == 404
    assert refresh(client, theirs).status_code == 200


def test_signing_out_every_other_session_keeps_this_one(client, db):
    user = make_user(db, "client")
    mine = sign_in(client, user, "198.51.100.50", FIREFOX)
    others = [sign_in(client, user, f"198.51.100.{n}", SAFARI) for n in (51, 52)]
    resp = client.post("/api/v1/users/me/sessions/end-others", headers=bearer(mine["access_token"]))
    assert resp.status_code == 200 and resp.json == {"ended": 2}
    assert [refresh(client, pair).status_code for pair in others] == [401, 401]
    renewed = refresh(client, mine)
    assert renewed.status_code == 200 and len(listed(client, renewed.json["access_token"])) == 1


def test_signed_out_sessions_are_not_listed_and_nobody_anonymous_may_look(client, db):
    user = make_user(db, "therapist")
    gone = login(client, user.email).json
    client.post("/api/v1/auth/logout", json={"refresh_token": gone["refresh_token"]})
    kept = login(client, user.email).json
    assert len(listed(client, kept["access_token"])) == 1
    assert client.get("/api/v1/users/me/sessions").status_code == 401
    assert client.post("/api/v1/users/me/sessions/end-others").status_code == 401
