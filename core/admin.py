from django.contrib.admin.options import IncorrectLookupParameters


class DateHierarchyInRange:
    """For a ModelAdmin with a date_hierarchy: Django steps from the day, month or year
    asked for to the next one, and past the last day there is raises a server error.
    Such a request is a wrong lookup, which the admin answers with the list unfiltered."""

    def get_changelist_instance(self, request):
        try:
            return super().get_changelist_instance(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error
