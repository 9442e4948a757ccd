"""`motcua demo`: every role on one machine, through the same code paths as the real devices.

- `cli`: the command line, read into `DemoOptions` (`model`); a new flag is a field there and a line in
  `cli.build_parser`;
- `headless`: a simulated morning at a fast clock, written to a folder (summary.json and artefacts);
- `interactive`: a hub on 127.0.0.1:8470, simulated citizens and clerks, and the device windows;
- `morning`: kiosk touches and counter calls; `dossiers`: self-submissions, receptions and fees;
- `artefacts`: `ARTEFACT_HOOKS`, what each role writes after the morning; `board`: the board's and the
  announcer's artefacts (announcements.jsonl, audio/, screens/).

The hub and the central server come from `sync.localsite.LocalSite`. The demo may import every package;
none imports it.
"""
