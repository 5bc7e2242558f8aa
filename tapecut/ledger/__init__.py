"""The ledger of model calls: what every AI backend call cost, and the monthly budget."""
