"""mockcar's dashboard: server-rendered pages over the control API (`/`, `/vehicles`,
`/requests`, `/webhooks`, `/faults`, `/docs`); every action they offer is a control call."""
