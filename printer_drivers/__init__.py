"""ESC/POS printers: connections, Vietnamese raster text, layouts (ticket, appointment slip, test page),
status.

Typical use, off the GUI thread:

    printer = Printer("tcp://192.168.1.50:9100?paper=80")
    result = printer.print_job(ticket_job(PrintedTicket.from_hub(ticket_json, site), paper=printer.paper))
    if not result.printed: show(result.reason.vi)      # and the job's preview()
"""
from __future__ import annotations

from printer_drivers.connection import JobOutcome, JobResult, Printer, PrinterAddress, open_printer
from printer_drivers.document import Align, Job, PageBuilder, Paper
from printer_drivers.errors import (
    AddressError,
    LayoutError,
    PrinterError,
    PrinterTimeout,
    PrinterUnavailable,
    PrinterWriteError,
    ProfileError,
)
from printer_drivers.layouts import (
    AppointmentSlip,
    PrintedTicket,
    PrinterTestPage,
    SubmittedDocument,
    printer_test_page_job,
    sample_slip,
    sample_ticket,
    slip_job,
    ticket_job,
)
from printer_drivers.output import write_job_files
from printer_drivers.status import PrinterState, PrinterStatus

__all__ = [
    "AddressError", "Align", "AppointmentSlip", "Job", "JobOutcome", "JobResult", "LayoutError",
    "PageBuilder", "Paper", "PrintedTicket", "Printer", "PrinterAddress", "PrinterError",
    "PrinterState", "PrinterStatus", "PrinterTimeout", "PrinterUnavailable", "PrinterWriteError",
    "ProfileError", "SubmittedDocument", "PrinterTestPage", "open_printer", "sample_slip", "sample_ticket",
    "slip_job", "printer_test_page_job", "ticket_job", "write_job_files",
]
