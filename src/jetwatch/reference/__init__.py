"""Reference data: airports (:mod:`.airports`) and named areas (:mod:`.areas`)."""
