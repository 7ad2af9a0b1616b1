"""No EPDS item text appears anywhere in the repository.

The Edinburgh Postnatal Depression Scale (Cox et al. 1987) is (c) Royal College of Psychiatrists: the course
describes and cites it but must never reproduce its items. So that this test can hold the line without itself
reproducing them, it keeps only SHA-256 hashes of every word 5-gram of the items and their longer answer
options; ``tests/support/epds.py`` says how they are made, from a copy of the scale kept outside the repository.
"""

from __future__ import annotations

import re

import nbformat
from support.checkout import REPO, needs_checkout
from support.epds import gram_hash, gram_hashes, grams, repository_files, scan

EPDS_GRAM_HASHES = frozenset((
    "044b4c3f084ff138466b821a7a1879e14e75697761883682809d57a0eb2244dc",
    "0a668246909a04f4a089437277d65c95aad5ac300bcc03ad9566d9a1ffb1cd71",
    "0b6bcdefed829e4ccc22120e51662f92c2d687c577b240ba61ce840a848cee52",
    "18069c96eb73350ab0f35a538882f0a7ec8f0f88f0c5a1a134eafc7ab27112a2",
    "1d34e9a6495b350c55138456c75257b00beeeca9e41fe9b0557846997228f7e2",
    "1dab80e5e3e3c0ed27824a9bc1f44df593f346d226f698de651280d18753cc51",
    "2b0535772183f07aa69ca26a738dcc084669ab5f650bbc9acd2d26f875eab017",
    "30d85d6d6aefe4aee2b1cfa0e8971d2043149aa414383bd69e83c3e5733b6a9d",
    "35125b106e80933ac94873bb3a7a48103593bf9b7d76ba020495dc9b857c8a18",
    "3db81249f91020a8c86ecf1b289f5ae917b28a86cde6a03536d65b8c7201f292",
    "3e70040b896d5302948e227e727d0991402c38cce18aa33c3bd48233b52ebb40",
    "402a347acdc104a10e17901562fd003c315ec1bc4b2884a6230f3bc5a2fe6ce3",
    "406c976b115b5d0f50624c66db7611e3097a4fc0fa44ad2e6a1fe75b1873b10b",
    "4315421babad71f28291287779ae053cee0dcd70ffb25703b1cad7d58eb3e1af",
    "4363fc3f9d5504df990555d38edb93b7e25db15f3de8b97edefef71c9227fe07",
    "44b7a2ff123b280cf262980efaa6a952d0a6995cd1301b7aa78f9d9f040cac6d",
    "48caab39626de124b2f5c97841c7988df74caeb2267161645f6c0dc43d7bd79f",
    "49331082e0035d2f0a260f70a46a753080e010d6891fd113a41e71de7e7f850d",
    "49dc7e94130a7dad10db8292a6d13bc68ebd0fb6f05581f09791bc80699a62c4",
    "4a21c0300c8743b788444fedba9bf81b1e85ddb3c7d16c04846e143d74f4176c",
    "4ab884e5e9beb9e2bfd61660adf0aa7f0db75c0052206e3074bcc7c26ab79f4f",
    "4bfe62647d52520dfef375dd78097980f0d7a35f404fc0eb072cb1266273808b",
    "4fe1bee50b2ce1e986f81dacad9174555e7d4f27c0ce50ee49781e9cbaf040b9",
    "553afc4c4b24ae8417a148c6addb1fda1650a711cde7df5f2bcdd5fec5e0e6a7",
    "56aefdd33cecd1c6c1fabd3b19363f10f9591a9c1635611f6398b35f4bc72e0d",
    "5976d1932cd6ae81fd3278528e781194d8984c250aa459174a580e3669be28c7",
    "59a535d5f9e0184d258429602101d110027c697f02b57db9a78e63440d168429",
    "59ad6d0a1b7cd8f5ee64415b57c0dabe30ea32313d67f9e12efeb7f2dc042d76",
    "5f48d363f526dec700fb279775be3b6a771534e2ac10828d7b599c1d0f08a1c0",
    "61e29b56d77107d793c93de76eb926fa9aa26b79d3a34fcae54e011d577d294a",
    "659b5eb2dab54dfee4f2b2113c6264fe69b9464fed5d49fd2dc16bdf90c6979c",
    "66c59e802319a4b1c948a34cc886c83e58a86807ae47b3fbdd9a8fba53135533",
    "66fddc142758314b23eabf058172ca37ea79607ee8912ca836962b104c36b92f",
    "698ccfc9dba825607ae7d8a8ea4e617ad8e9a3dbfe348d5a90c787b1a3cfe390",
    "6d83c72f600dc49eb87942787338e249626637829d62e4bf6ddf72c011fab959",
    "70344dbcdc25f3369cbdac78db06f88e53d1fc3c961fdc0a801e8d3c624e2c6b",
    "73bf80dd9e30b2c565e88633faada7c2ee206c2985314dc5b87367be928a5513",
    "749e1367d19a59753bcf27d40b821781f2e7f476403e53b7cf85bbecbb1c76ac",
    "75115ebdf8cccf44c4cf016e1fff75b7681e9d94b7cc250363c37d4a39a80e0d",
    "78d06f51df4569389f846c7a42cc70b0f8a83ea4c2c1b8a6764ede5e42dea806",
    "7b70171546979c010f84edf9ce9b2bd0692e28b3b9af1085aea0855649eec904",
    "7de8c3c7a01517e137d4b579d87f3d6f9948196fbeece1fe95a41edccdb3e535",
    "81976507472066728951b691285b8913d9138296103c3d30d59139bbe9378bfc",
    "841a842f2410b84bcd2b6d04c5f94416d2f942e9ae4270adfd56191e446c4519",
    "8aea10a6b713257c9dd27a61f9e42c05105bc9f92dfd5549ddf444af1589a818",
    "8e321c3e05e1b837a56c3b23c210e3bb93dbf4a3f336e7563d47588bc506de81",
    "984bd6c3b42b8734fc33f606e36d48e554a5cff259143341a7980d9d4c6e8df9",
    "999d7df39173cc5ac3e884bbe08f646070b4fd19d301dda4c9cbf80fd41a7d65",
    "9ca30533d26281d777fd403677f47e36c1d63df4419c8370a1111e86b0289832",
    "9cb27ef0241a0a68dc8129b55f6654ca73714ced141d787fa23147af6249099b",
    "9d37ab61365bd21ce4ac32d3ddce9494b61fbe1cf2b61c2a6475f1bc2dd974d6",
    "a45384c9effdcaea7e5eb56aeb9d42d7921f7fc1fd2005f8988b3c9e96f0a5a4",
    "a544d2062e798b7e2f920709d1084063f5f02297a29b37b1ddcab2eaaef67f52",
    "a5c8b9f9df591c7a888dd324bd604e7ac1546f4641376e6ffdc7871096a1cd0a",
    "ac264255397cdf0f2b6dfa5e8885af346384135ba14b71ecb65071a507cb205e",
    "af6230a72de26922f392d7cb784ec65ba0bdd59da1f01d273e8054c6154f8550",
    "b22309f44770224675cbecc0e8bcefdc91f4ec2d82fea4e51126191fbb9bf1cd",
    "b9c5b1aa77d8a91e2990ff0e94d6dffbcac9b73b3214d17e5776be1aee0ace80",
    "bba9d859373873a7414916ab0c2c27bbcb581ca2cba2ada4a50415a031b9aa2f",
    "bd8db3ec089efc01e65932e4639cb79b640c968d02b1078aeb300119a84cb65c",
    "bf3b2f0e0b57bb9ca0dfc482ef13f38732548d23d0b30506097c1631c803928b",
    "bf500e8d2f5195debbbb8df68ba1a08bd03e3f17fcc2a8a46a40379d18485bcf",
    "bfa6d495a5b5cc08516fac9f088ea1ab4b6a3220f87f2c93e700f18cde958e5b",
    "c4f187548d514ba179c051dad556c45caf224f4aefec6935214be6664d9cca78",
    "cad860a166038eeac6a6a2a761cccbaa560540eaf34987b8a815e68eb040f887",
    "cbd744fbd6f5c5762acd442cc5b5202f9839a6487ed7fd5a3f21da3811d8866d",
    "ccee592c26d0a0229e2cdb85c23524d8b8139b86583497b0bc2c289f344a6306",
    "d1b2460325395233cf5e7b28bf3f32e62e92c727b819cba3189b72e976eec9f1",
    "d27fe99110a09e18b79fa385d475773bd1fb1ddad857fb9fffa75d5b9402f8af",
    "d2c6f3e664783e409a45a90196776ac506c1552db5253817a3b046f2aa3ed839",
    "d382b8e715f48e5df7ca8592e8a57d605a7859902ae54fb5c9b804a1c921a565",
    "d3cb7f435b6d5690b302c5df271baa687c9e56ff75216eaca494d572a429d55d",
    "d411cd88e6aeb23cfb773ffd3b0442421f5226da2dfb7f461ad06915ee554160",
    "d5f9a5e5c2da3126d620109d3126cc7b66e7e7d4dac6540925527b9a026d7d96",
    "e0822472e506d337ab48d141340aba19a33a3657682356fb8a2943c17560f3c8",
    "e2408e2b4e1642ccf9c602e87e95158ecb6f8dbe31d9ac9bfa2c44c2c3e42b03",
    "e79f0fc0a731826a1e4db5fdf9333cc008daf269201624813d73fd90459611e5",
    "e7a5cfcb5bfaa061998b82a1c6096f9ae115ba93a89123afa7e49b687b9f83b9",
    "e83538111d916f370b2e1d70e0470725f4a9dae7a18687fe49d6e62b5702187d",
    "eb36c46a51ce53b6845f3a60a1c88560dd2a89338a9a0c66ff92790d1c812387",
    "ebd9712e87e0b6088e148eceb1bf0e0b42a229761dee971549d3f7747a045e12",
    "ee4c7d544f34f9968941fd4e993a7df914e031f966f87aeabedd4e71be0f16d9",
    "f7c5d2df38c0d373d1c83e449d33fc9ba8fdf8058d3193979174c079ebee6fe3",
    "fcd27ae460ce8ccb8b83b6f8b02d0e590d7fe5dcede6e736eb4320cc6291a030",
    "fea10e22a7075adf53082cc59c615ac2a3c794151451fcb0cb5db427f39716b1",
    "ff61a223ad12cf4fe8b6b948a8747c9596ed860c15821df7c6cad57819db2c73",
))


@needs_checkout
def test_no_epds_item_text_in_the_repository():
    """Does no file in the repository contain five words in a row from an EPDS item or one of its answers?"""
    assert len(EPDS_GRAM_HASHES) == 86 and all(re.fullmatch("[0-9a-f]{64}", h) for h in EPDS_GRAM_HASHES)
    files = repository_files(REPO)
    assert REPO / "data" / "vignettes.yaml" in files and REPO / "tests" / "test_no_epds_items.py" in files
    assert scan(files, EPDS_GRAM_HASHES, REPO) == [], "EPDS item text found: rewrite it in your own words, or remove it"


def test_scanner_catches_a_planted_phrase(tmp_path):
    """Would a planted phrase be caught across case, punctuation, apostrophes and line breaks, in text and notebooks?"""
    planted = "Wobbling kettles sing beneath Priya's purple lighthouse"
    hashes = frozenset(gram_hash(g) for g in grams(planted))
    assert len(hashes) == 3
    prose = tmp_path / "notes.md"
    prose.write_text("Intro. WOBBLING kettles,\n  sing beneath\tPriyas purple -- lighthouse!", encoding="utf-8")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("Some text:\nwobbling kettles sing\nbeneath Priya\u2019s tree")]
    book = tmp_path / "module.ipynb"
    nbformat.write(notebook, book)
    found = scan([prose, book], hashes)
    assert [name for name, _ in found].count(str(prose)) == 3
    assert [name for name, _ in found].count(str(book)) == 1


def test_scanner_passes_clean_and_binary_files(tmp_path):
    """Does a file that only shares a few words in a row, or a binary file, pass without a false alarm?"""
    hashes = frozenset(gram_hash(g) for g in grams("wobbling kettles sing beneath the purple lighthouse"))
    near = tmp_path / "near.md"
    near.write_text("Wobbling kettles sing. Beneath a purple lighthouse.", encoding="utf-8")
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\0wobbling kettles sing beneath the purple lighthouse")
    assert scan([near, binary], hashes) == []


def test_the_hashes_are_made_per_line_from_a_copy_of_the_text(tmp_path):
    """Does the generating script hash each line's 5-grams, normalised as the scanner reads them, and no more?"""
    line = "Wobbling kettles sing beneath Priya's purple lighthouse"
    expected = {gram_hash(g) for g in ("wobbling kettles sing beneath priyas", "kettles sing beneath priyas purple",
                                       "sing beneath priyas purple lighthouse")}
    assert gram_hashes(f"{line}\nshort line here only") == sorted(expected)
