"""Mode S / ADS-B decoding, column-wise over numpy arrays.

Frames arrive as an ``(N, 14)`` byte matrix (short 56-bit frames use the first 7
bytes). Each module handles one part of the message and works on whole columns at a
time: :mod:`.crc` (parity and single-bit repair), :mod:`.altitude` (AC12/AC13 and
the 4096 identity codes), :mod:`.identity` (callsign, emitter category),
:mod:`.velocity` (airborne velocity), :mod:`.cpr` (compact position reporting) and
:mod:`.frames` (the whole frame to a table of fields). :mod:`.decoder` keeps the
per-aircraft state across batches and turns decoded messages into positions.
"""

from jetwatch.decode.decoder import Decoder, DecoderSettings

__all__ = ["Decoder", "DecoderSettings"]
