"""Security administration (安全保密管理): the three separated administrators (三员分立)."""
