"""Out of assortment: consultation requests, cost approval and work orders, by customer order number only.

A prescriber asks for an article or model outside the procured assortment (or one that can no
longer be ordered). When the article is in a supplier's current published assortment, the
answer comes at once (order it in that e-shop) and the request is recorded as
``resolved_in_assortment``. Otherwise an HMC consultant reviews it, proposes an in-assortment
alternative or sends it for cost approval; HMC records the cost-responsible unit's approval (with
that unit's code), which creates a work order; HMC orders, receives and delivers through HMC.

Request states (``models.RequestStatus``)::

    submitted → in_review → resolved_with_alternative                          → closed
                          → awaiting_cost_approval → approved → work_order_created → closed
                          → rejected (also from awaiting_cost_approval)         → closed
    resolved_in_assortment (the in-assortment answer)                           → closed

Work order states: created → ordered → received_at_hmc → delivered → closed.

Who may do what (``workflow``; admin may do everything; other roles get 403; "own: förskrivare"
means the prescriber who submitted that request):

| step | from → to | who |
| --- | --- | --- |
| submit | – → submitted / resolved_in_assortment | förskrivare, hmc |
| start_review | submitted → in_review | hmc |
| propose_alternative | in_review → resolved_with_alternative | hmc |
| send_for_cost_approval | in_review → awaiting_cost_approval | hmc |
| approve | awaiting_cost_approval → approved → work_order_created | hmc, for the cost-responsible unit |
| reject | in_review, awaiting_cost_approval → rejected | hmc |
| close | answered (alternative, work order, rejected, in assortment) → closed | hmc; own: förskrivare |
| work order: order, receive, deliver, close | one step each | hmc |
| read one request or work order | – | förskrivare, hmc, upphandlare |
| list | – | hmc: all; förskrivare: own, or one customer order's |
| candidates report | – | hmc, upphandlare |

A request with a work order can be closed once the work order is delivered; closing the work
order closes the request too.
"""
