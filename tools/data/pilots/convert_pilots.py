#!/usr/bin/env python3
"""Converts the seed's transcription of the 2017 municipal IoT pilots into pilot report
payloads for tadori (protobuf JSON of TransactionBody with submitPilotReport).

Run once from the repository root; the outputs are committed, so the quickstart and the
tests never need Python:
    python3 tools/data/pilots/convert_pilots.py ../shared/data/municipal-iot-pilots-2017.json

Facts come only from the seed; a field the seed does not give stays empty (no budget per
pilot, no period). The one exception is the Kyushu food traceability pilot, whose KPIs are
illustrative sample values for the quickstart story and say so in the summary.
"""
import hashlib
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent
IOT_SERVICE = "IoTサービス創出支援事業"
KYUSHU_TITLE = "ブロックチェーン技術を利用した中食・外食の食材トレーサビリティ社会実装"
SAMPLE_NOTE = ("【サンプルデータ】KPI は tadori quickstart 用の例示値であり、事業の実績・目標ではありません"
               " (illustrative sample KPIs for the tadori quickstart, not facts from the seed)")
PROGRAM_IDS = {
    IOT_SERVICE: "iot-service",
    "ICTスマートシティ整備推進事業": "ict-smartcity",
    "スマートスクール・プラットフォーム実証事業": "smart-school",
}


def kyushu_kpis(with_actuals):
    kpis = [
        {"name": "トレーサビリティ記録された食材ロット数 (sample)", "unit": "lots",
         "targetMilli": "1000000", "actual": "1240000"},
        {"name": "参加事業者数 (sample)", "unit": "organisations",
         "targetMilli": "20000", "actual": "17000"},
        {"name": "ロット遡及に要する時間 (sample)", "unit": "s",
         "targetMilli": "5000", "actual": "2000"},
    ]
    out = []
    for k in kpis:
        actual = k.pop("actual")
        if with_actuals:
            k["actualMilli"] = actual
            k["hasActual"] = True
        out.append(k)
    return out


def report(pilot, report_id, source_doc):
    r = {"reportId": report_id, "program": pilot["program"]}
    if pilot.get("round"):
        r["round"] = pilot["round"]
        # The third round of the IoT service programme was announced on 2017-07-07 (H29).
        if pilot["program"] == IOT_SERVICE and pilot.get("announced", "").startswith("2017"):
            r["fiscalYear"] = "H29"
    for src, dst in (("municipality", "municipality"), ("prefecture", "prefecture"),
                     ("field", "field"), ("title", "title"), ("operator", "operatorName")):
        if pilot.get(src):
            r[dst] = pilot[src]
    if "title" not in r:
        r["title"] = f'{pilot["program"]} ({pilot["municipality"]})'
    summary = []
    if pilot.get("announced"):
        summary.append(f'採択公表 {pilot["announced"]} (No.{pilot["no"]})')
    if pilot.get("summary"):
        summary.append(pilot["summary"])
    if pilot.get("schools"):
        summary.append("実証校: " + "、".join(pilot["schools"]))
    if pilot.get("title") == KYUSHU_TITLE:
        summary.append(SAMPLE_NOTE)
        r["kpis"] = kyushu_kpis(with_actuals=False)
    if summary:
        r["summary"] = " / ".join(summary)
    r["documents"] = [source_doc]
    return r


def main():
    seed_path = Path(sys.argv[1])
    seed_bytes = seed_path.read_bytes()
    seed = json.loads(seed_bytes)
    source_doc = {"name": "municipal-iot-pilots-2017.json (seed transcription of the slides)",
                  "sha256Hex": hashlib.sha256(seed_bytes).hexdigest()}
    round3, others, counters = [], [], {}
    kyushu = None
    for pilot in seed["pilots"]:
        prog = PROGRAM_IDS[pilot["program"]]
        counters[prog] = counters.get(prog, 0) + 1
        if pilot["program"] == IOT_SERVICE:
            report_id = f"mic-{prog}-h29-r3-{pilot['no']:02d}"
        else:
            report_id = f"mic-{prog}-2017-{counters[prog]:02d}"
        r = report(pilot, report_id, source_doc)
        (round3 if pilot.get("round") == "第3期" else others).append({"submitPilotReport": {"report": r}})
        if pilot.get("title") == KYUSHU_TITLE:
            kyushu = r
    write(OUT / "h29-iot-service-round3.json", round3)
    write(OUT / "2017-other-programs.json", others)
    amended = dict(kyushu)
    amended["kpis"] = kyushu_kpis(with_actuals=True)
    # Version 2 of the Kyushu report, for `tadori pilot amend FILE --reason R`.
    write(OUT / "kyushu-amendment.json", amended)


def write(path, doc):
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
