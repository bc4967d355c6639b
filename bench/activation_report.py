"""The activation benchmark's figures as a table and the lines behind them
(``bench/activation.py`` measures them)."""

from __future__ import annotations


def report(r: dict) -> None:
    nw, wk, asr = r["no_wake"], r["wake"], r["asr"]
    print(f"machine: {r['machine']}; {r['set']} set ({', '.join(r['voices'])}), seed {r['seed']}")
    print(
        f"{r['speech_without_wake_minutes']} min of speech without the wake phrase "
        f"({r['utterances_without_wake']} utterances); {r['questions']} spoken questions; "
        f"heard_min_log_prob {r['config']['heard_min_log_prob']}"
    )
    print(
        f"{'Whisper':<10}{'uploads':>9}{'alone':>7}{'exact':>7}{'keyword':>9}"
        f"{'recall':>9}{'alone':>8}{'exact':>8}"
    )
    for name in nw:
        n, w = nw[name], wk[name]
        print(
            f"{name:<10}{n['uploads']:>9}{n['baseline_transcript_alone_uploads']:>7}"
            f"{n['baseline_exact_uploads']:>7}{n['baseline_keyword_uploads']:>9}"
            f"{100 * w['recall']:>8.1f}%{100 * w['baseline_transcript_alone_recall']:>7.1f}%"
            f"{100 * w['baseline_exact_recall']:>7.1f}%"
        )
    print(
        "  uploads: false activations on speech without the wake phrase (target 0); recall: "
        "questions sent (target 95 %); alone: the transcript alone, without Whisper's second "
        "opinion; exact / keyword: the same transcripts matched exactly / by 'glasses' anywhere"
    )
    for name in nw:
        for h in nw[name]["false"]:
            print(f"  {name} sent ({h['reason']}): heard {h['heard']!r} for {h['said']!r}")
        for h in nw[name]["likeliest"]:
            print(
                f"  {name} second opinion {h['log_prob']}: heard {h['heard']!r} for {h['said']!r}"
            )
        for m in wk[name]["missed"]:
            print(
                f"  {name} missed [{m['voice']} {m['wpm']} wpm {m['noise']} {m['snr_db']}]: "
                f"{m['heard']}"
            )
        for m in wk[name]["second_opinion_on_missed_by_transcript"]:
            print(
                f"  {name} transcript missed, second opinion {m['log_prob']}: sent {m['sent']} "
                f"for {m['said']!r}"
            )
        sweep_line = ", ".join(
            f"{x['heard_min_log_prob']}: {x['uploads']} up / {100 * x['recall']:.1f} %"
            for x in wk[name]["sweep"]
        )
        print(f"  {name} sweep of heard_min_log_prob: {sweep_line}")
    for name, table in wk["unprimed"]["sent_by_variant"].items():
        print(f"recall by {name}: " + ", ".join(f"{k} {v}" for k, v in table.items()))
    for name, table in nw["unprimed"]["sent_by_variant"].items():
        print(f"uploads by {name}: " + ", ".join(f"{k} {v}" for k, v in table.items()))
    rtf = ", ".join(
        f"{k.removeprefix('real_time_factor_')} {v:.3f}"
        for k, v in asr.items()
        if k.startswith("real_time_factor_")
    )
    print(
        f"ASR: {asr['audio_s']} s of VAD segments, real-time factor {rtf}; "
        f"{asr['second_opinions']} second opinions, p50 {asr['second_opinion_ms_p50']} ms, "
        f"p95 {asr['second_opinion_ms_p95']} ms   (wall {r['wall_s']} s)"
    )
