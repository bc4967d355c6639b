"""Development helpers shared by the tests and the benchmarks (``bench/`` may
import from here; nothing here imports ``bench``). Not shipped."""
