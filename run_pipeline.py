#!/usr/bin/env python3
"""Entry point: `python run_pipeline.py --help`. Everything lives in `pipeline.cli`."""

from pipeline.cli import main

if __name__ == "__main__":
    main()
