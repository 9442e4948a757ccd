"""QR codes and barcodes from camera frames and serial scanners; reading a citizen ID card (CCCD).

Modules: `camera` (OpenCV or a folder of images), `decode` (zxing-cpp, zbar fallback), `serial_scanner`
(pyserial), `citizen` (what a code means), `config`, `synthetic` (invented cards for demo and tests),
`cli` (`motcua scan`). Import the driver modules explicitly: this package's import loads no device library.
"""
