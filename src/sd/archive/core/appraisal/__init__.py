"""Appraisal and destruction (鉴定与销毁, #25): the pure rules, register and certificate."""
