"""Lead scoring: rules over the event log, the score ledger, decay, grades and stage rules."""
