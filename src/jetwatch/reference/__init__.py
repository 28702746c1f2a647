"""Reference data: airports (:mod:`.airports`), named areas (:mod:`.areas`) and the
country of an ICAO address (:mod:`.countries`)."""
