"""Pages of appraisal and destruction (鉴定与销毁, #25)."""
