"""UTF-16 files and files with a stray NUL are text: scanned in the tree, history and index."""

from __future__ import annotations

import codecs
import random

import pytest

from launchgate.findings import Severity
from launchgate.secretscan.textsniff import as_text, utf16_encoding
from tests.fixtures.gitrepo import GitRepo
from tests.secretscan.conftest import by_rule, github_token, stripe_key

GH = "secrets.github-token"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_decoded_with_or_without_a_byte_order_mark(encoding: str) -> None:
    text = "A=1\nTOKEN=x\n"
    data = text.encode(encoding)
    assert as_text(data) == text.encode()
    assert utf16_encoding(data) == encoding


def test_stray_nul_is_blanked_and_real_binary_stays_binary() -> None:
    assert as_text(b"a=1\x00\nb=2\n") == b"a=1 \nb=2\n"
    assert as_text(b"plain\n") == b"plain\n"
    noise = random.Random(3).randbytes(6000)
    assert as_text(noise + b"\x00") is None
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + noise
    assert as_text(png) is None
    assert utf16_encoding(codecs.BOM_UTF8 + b"x\x00") is None


def _files() -> tuple[dict[str, str | bytes], str, str]:
    gh, sk = github_token(), stripe_key()
    powershell_env = codecs.BOM_UTF16_LE + f"DEBUG=1\r\nGITHUB_TOKEN={gh}\r\n".encode("utf-16-le")
    stray = f"# exported\x00\nSTRIPE_KEY={sk}\n".encode()
    return {".env.production": powershell_env, "config/app.cfg": stray}, gh, sk


def test_utf16_and_stray_nul_files_are_scanned_in_the_tree(repo: GitRepo, scan) -> None:
    files, _gh, _sk = _files()
    for name, data in files.items():
        repo.write(name, data)
    result = scan(repo.path, history=False)
    [token] = by_rule(result, GH)
    assert token.location.path == ".env.production" and token.location.line == 2
    [stripe] = by_rule(result, "secrets.stripe-secret-key")
    assert stripe.location.path == "config/app.cfg" and stripe.location.line == 2
    assert "binary files skipped" not in result.summary


def test_utf16_and_stray_nul_files_are_scanned_in_history(repo: GitRepo, scan) -> None:
    files, _gh, _sk = _files()
    sha = repo.commit("add configs", files)
    repo.commit("remove them", delete=tuple(files))
    repo.commit("an image", {"logo.png": b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 8})
    result = scan(repo.path)
    [token] = by_rule(result, GH)
    assert token.details["scope"] == "history" and token.location.commit == sha
    assert token.location.path == ".env.production" and token.location.line == 2
    assert token.severity is Severity.HIGH
    [stripe] = by_rule(result, "secrets.stripe-secret-key")
    assert stripe.details["commit"] == sha
    # The image, in the tree and in its commit; the UTF-16 and stray-NUL files were text.
    assert "binary files skipped: 1 in the tree, 1 in history" in result.summary


def test_utf16_file_in_the_index_is_scanned(repo: GitRepo, scan) -> None:
    repo.commit("base", {"README": "x\n"})
    files, _gh, _sk = _files()
    repo.write(".env.production", files[".env.production"])
    repo.git("add", ".env.production")
    result = scan(repo.path, staged=True)
    [token] = by_rule(result, GH)
    assert token.details["scope"] == "staged" and token.location.line == 2
