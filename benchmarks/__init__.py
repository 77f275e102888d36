"""Speed and memory benchmarks of the assistant: ``python -m benchmarks`` (``make bench``) prints measured numbers."""
