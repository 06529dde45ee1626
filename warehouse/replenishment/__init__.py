"""Pick-face replenishment: min/max per face, the run that raises tasks from reserve stock,
and the operator's move that completes them."""
