EPCIS_VERSION = "2.0.0"
CBV_VERSION = "2.0.0"


def epcis_headers(response):
    response["GS1-EPCIS-Version"] = EPCIS_VERSION
    response["GS1-CBV-Version"] = CBV_VERSION
    return response
