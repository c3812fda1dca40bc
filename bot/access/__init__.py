"""Who is acting: staff and supervisors as the organisation names them."""
