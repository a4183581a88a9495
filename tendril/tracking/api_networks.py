"""Companies' IP networks in the REST API: ``/api/v1/companies/{id}/networks``. Every role
reads them; admins and marketers add and remove them."""

from __future__ import annotations

from typing import Any

from ninja import Field, Router, Schema, Status

from tendril.accounts.auth import AuthedRequest, require_marketing
from tendril.contacts.api import ERRORS
from tendril.contacts.selectors import company_get_for
from tendril.core.schemas import BodySchema
from tendril.tracking import networks
from tendril.tracking.models import CompanyNetwork

router = Router(tags=["Company networks"])


class NetworkIn(BodySchema):
    network: str = Field(
        ...,
        max_length=100,
        description="CIDR (203.0.113.0/24, 2001:db8::/48) or a single address.",
        examples=["203.0.113.0/24"],
    )


class NetworkOut(Schema):
    id: int
    company_id: int
    network: str
    created_at: str


class NetworkList(Schema):
    count: int
    items: list[NetworkOut]


def network_out(network: CompanyNetwork) -> dict[str, Any]:
    return {
        "id": network.pk,
        "company_id": network.company_id,
        "network": network.network,
        "created_at": network.created_at.isoformat(),
    }


@router.get(
    "/{int:company_id}/networks",
    response={200: NetworkList, **ERRORS},
    summary="List a company's IP networks",
)
def network_index(request: AuthedRequest, company_id: int) -> dict[str, Any]:
    company = company_get_for(request.auth, company_id)
    items = [network_out(n) for n in networks.company_network_list(company=company)]
    return {"count": len(items), "items": items}


@router.post(
    "/{int:company_id}/networks",
    response={200: NetworkOut, 201: NetworkOut, **ERRORS},
    summary="Give a company an IP network",
    description="Visits from the network are the company's while the visitor is anonymous. "
    "201 when added, 200 when the company had it already; 409 when another company has it.",
)
def network_post(
    request: AuthedRequest, company_id: int, payload: NetworkIn
) -> Status[dict[str, Any]]:
    require_marketing(request.auth)
    company = company_get_for(request.auth, company_id)
    network = networks.network_clean(payload.network)
    added = networks.company_networks_add(company=company, networks=[network], by=request.auth)
    if added:
        return Status(201, network_out(added[0]))
    existing = networks.company_network_list(company=company).get(network=str(network))
    return Status(200, network_out(existing))


@router.delete(
    "/{int:company_id}/networks/{int:network_id}",
    response={204: None, **ERRORS},
    summary="Take an IP network from a company",
)
def network_delete(request: AuthedRequest, company_id: int, network_id: int) -> Status[None]:
    require_marketing(request.auth)
    company = company_get_for(request.auth, company_id)
    network = networks.company_network_get_for(request.auth, company, network_id)
    networks.company_network_remove(network=network, by=request.auth)
    return Status(204, None)
