"""The admin never asks gravatar.com for an avatar (often blocked in mainland China, it left a broken
image in the sidebar of every admin page): the default avatar is served by the site itself."""


def test_the_admin_sidebar_avatar_comes_from_the_site(client, officer):
    client.force_login(officer)
    response = client.get("/admin/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "gravatar" not in page
    assert "gravatar" not in response["Content-Security-Policy"]
