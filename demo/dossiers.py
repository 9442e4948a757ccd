"""Dossiers through the real code paths: citizens self-submitting at the kiosk (card QR and document pages
from a folder camera), clerks receiving at the counter, and the fee step; every slip and receipt is kept."""
from __future__ import annotations

import os
import random
import uuid
from pathlib import Path
from typing import Any

from demo.model import DemoRun
from demo.morning import kiosk_config
from motcua.contract import DossierStaffView, PaymentRequest, SiteDocument

DEMO_PROCEDURES = ("TPHT.04", "DD.03", "GTVT.01", "DKKD.01", "TPHT.01")


def simulate_dossiers(run: DemoRun, *, kiosk_count: int, counter_count: int) -> None:
    """`kiosk_count` self-submissions at the kiosk and `counter_count` receptions at the counter (every
    other one paid by transfer); slips go to DIR/printed/slip-*, receipts to DIR/printed/receipt-*."""
    import cv2

    from counter_display.intake import ReceivedDocument, ReceiveRequest, make_slip
    from kiosk.backend import DossierBackend, DossierDraft, KioskBackend
    from printer_drivers.layouts import slip_job
    from printer_drivers.output import write_job_files
    from scanners import synthetic
    from scanners.camera import FolderCamera
    from sync.client import HubClient, HubError, HubUnavailable

    out = run.out or Path(".")
    camera_dir = out / "camera" / "kiosk"
    kiosk = KioskBackend(kiosk_config(run, cache=out / "kiosk-cache.db"))
    kiosk.load_site()
    slips = {"n": 0}

    def keep_slip(job: Any, dossier: DossierStaffView) -> None:
        slips["n"] += 1
        write_job_files(job, out / "printed" / f"slip-{slips['n']:02d}-{dossier.code}")

    backend = DossierBackend(kiosk, camera=FolderCamera(folder=camera_dir), on_slip=keep_slip)
    catalog = {p.code: p for p in backend.load_catalog()}
    rng = random.Random(11)
    # The camera sees, citizen after citizen, a card and then each required page.
    camera_dir.mkdir(parents=True, exist_ok=True)
    plan = [catalog[DEMO_PROCEDURES[i % len(DEMO_PROCEDURES)]] for i in range(kiosk_count)]
    for k, proc in enumerate(plan):
        citizen = synthetic.random_citizen(rng)
        card = synthetic.photograph(synthetic.draw_card(citizen, rng=rng), rng=rng, fault=synthetic.Degradation.ROTATION)
        cv2.imwrite(str(camera_dir / f"{k:02d}-0-card.png"), card)
        for j, photo in enumerate(synthetic.document_photo_set(len(proc.documents), seed=100 + k), start=1):
            cv2.imwrite(str(camera_dir / f"{k:02d}-{j}-page.jpg"), photo.image)
    for proc in plan:
        draft = DossierDraft(procedure=proc)
        scan = backend.read_card(frames=2)
        if scan is None or scan.citizen is None:
            run.fail("kiosk: the demo card was not read")
            continue
        draft.name, draft.id_number, draft.address, draft.from_card = (scan.citizen.name, scan.citizen.id,
                                                                       scan.citizen.address, True)
        draft.phone = f"09{rng.randrange(10**8):08d}"
        for doc in proc.documents:
            page = backend.capture_page(doc.name)
            if page is not None:
                draft.pages.append(page)
        result = backend.submit(draft)
        if result.dossier is None:
            run.fail(f"kiosk dossier: {result.error_message or 'hub unreachable'}")
            continue
        run.dossiers.append(result.dossier.id)
        run.dossier_channels["kiosk"] = run.dossier_channels.get("kiosk", 0) + 1
        if not result.printed:
            run.fail(f"slip of {result.dossier.code} not printed: {result.fault_vi}")
    backend.forget()
    kiosk.close()
    # Clerks at the counter: paper documents ticked, both copies of the slip.
    counter = HubClient(run.hub_url, run.tokens["counter"])
    site = counter.site()
    for k in range(counter_count):
        proc = catalog[DEMO_PROCEDURES[(k + 1) % len(DEMO_PROCEDURES)]]
        citizen = synthetic.random_citizen(rng)
        req = ReceiveRequest(dossier_id=str(uuid.uuid4()), name=citizen.name, id_number=citizen.id,
                             address=citizen.address,
                             phone=f"03{rng.randrange(10**8):08d}", procedure=proc, sets=1,
                             documents=tuple(ReceivedDocument(d.name, 1, 0) for d in proc.documents))
        try:
            dossier = counter.submit_dossier(req.body())
        except (HubError, HubUnavailable) as exc:
            run.fail(f"counter dossier: {exc}")
            continue
        run.dossiers.append(dossier.id)
        run.dossier_channels["counter"] = run.dossier_channels.get("counter", 0) + 1
        job = slip_job(make_slip(req, dossier, site, clerk="Cán bộ quầy 6"), copies=("archive", "customer"))
        keep_slip(job, dossier)
        if dossier.fee is not None:
            take_fee(run, counter, req, dossier, site, transfer=k % 2 == 0)
    counter.close()


def take_fee(run: DemoRun, counter: Any, req: Any, dossier: DossierStaffView, site: SiteDocument, *,
             transfer: bool) -> None:
    """The fee step at the counter: the citizen's screen with the VietQR (DIR/screens/), the clerk marks it paid
    (a transfer with its reference, or cash), and the receipt is printed (DIR/printed/receipt-*)."""
    from printer_drivers.output import write_job_files
    from printer_drivers.receipt import receipt_for_payment, receipt_job
    from sync.client import HubError, HubUnavailable

    out = run.out or Path(".")
    fee = dossier.fee
    assert fee is not None
    if transfer:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from counter_display.fee import render_citizen_screen

        render_citizen_screen(fee, dossier.code, out / "screens" / "counter-fee-citizen.png")
    body = PaymentRequest(id=str(uuid.uuid4()), method="transfer" if transfer else "cash", amount=fee.amount,
                          reference=f"FT{run.clock.time():.0f}"[-14:] if transfer else "", collector="Cán bộ quầy 6")
    try:
        payment = counter.record_payment(dossier.id, body)
    except (HubError, HubUnavailable) as exc:
        run.fail(f"fee of {dossier.code}: {exc}")
        return
    run.payments += 1
    # The receipt's layout reads the hub's documents as JSON (printer_drivers knows no contract models).
    receipt = receipt_for_payment(payment.model_dump(mode="json"), site.model_dump(mode="json"),
                                  lookup_url=dossier.lookup_url,
                                  payer_address=req.address)
    write_job_files(receipt_job(receipt, copies=("archive", "customer")),
                    out / "printed" / f"receipt-{run.payments:02d}-{receipt.series or 'x'}-{receipt.number_text}")
