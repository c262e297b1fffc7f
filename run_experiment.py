#!/usr/bin/env python3
"""Command-line entry: run, check and describe alliance experiments and scenarios.

python run_experiment.py experiments/demo.toml
python run_experiment.py check scenarios/*.toml experiments/*.toml
python run_experiment.py scenarios
python run_experiment.py describe pps_infrastructure
"""

import sys

from sim.cli import main

if __name__ == "__main__":
    sys.exit(main())
