"""Exception alerts: rules each app registers find what needs someone's attention during the
shift; the service opens one alert per subject, routes it to roles, e-mails subscribers and
closes it when its cause is gone (issue 13)."""
