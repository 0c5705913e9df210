"""Our own labelled evaluation set of job-application mail (generated, see ``generator``)."""
