"""Supply-chain resilience: systems and their bills of materials, supplier risk, disruption
simulation with alternate sources, and Security of Supply priority-delivery requests."""
