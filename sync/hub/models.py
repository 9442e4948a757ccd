"""Request bodies of the hub's API: what devices may send. They are part of the wire contract
(motcua.contract), where the devices build them too; this module names them for the hub's routes."""
from __future__ import annotations

from motcua.contract import (
    Applicant,
    CheckinRequest,
    CommissioningRequest,
    DeviceHeartbeat,
    DeviceReport,
    DossierRequest,
    FaultClear,
    FaultKind,
    FileRef,
    HeartbeatFault,
    IssueRequest,
    PaymentRequest,
    SubscribeRequest,
    TicketRef,
    TransferRequest,
)

__all__ = ["Applicant", "CheckinRequest", "CommissioningRequest", "DeviceHeartbeat", "DeviceReport", "DossierRequest",
           "FaultClear", "FaultKind", "FileRef", "HeartbeatFault", "IssueRequest", "PaymentRequest", "SubscribeRequest",
           "TicketRef", "TransferRequest"]
