"""Appraisal and destruction (鉴定与销毁, #25): batches, opinions, register, execution."""
