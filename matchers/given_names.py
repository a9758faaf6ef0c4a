"""Common given names, lower-case: a capitalised "Nancy Pelosi" or "Joe Biden" is a
person when its first word is one of them.

A short list of frequent English given names (and their usual short forms) kept here:
the name lists on PyPI are either tens of MB or carry their own licence terms, and a
conflict check only needs to tell "Nancy Pelosi" (a person) from "Commonwealth Club".
Given names that are also common words, months or places ("Will", "May", "Hope",
"Rose", "Hunter", "Christian", "Georgia", "Austin", "Madison") are left out.
"""

from __future__ import annotations

GIVEN_NAMES: frozenset[str] = frozenset(
    """
    aaron abby abigail adam adrian al alan albert alex alexander alexandra alexandria alice
    alicia allen allison amanda amber amy andrea andrew andy angela angie ann anna anne
    annie anthony antonio arnold arthur ashley audrey barbara barry beau becky ben benjamin
    bernard beth betsy betty beverly bill billy bob bobby bonnie brad bradley brandon brenda
    brett brian bruce bryan caitlin calvin cameron carl carla carlos carol caroline carolyn
    carrie catherine cathy charles charlie chelsea cheryl chris christina christine
    christopher chuck cindy claire clarence claudia clint cody colin connie corey cory craig
    crystal cynthia dale dan dana daniel danielle danny darren dave david dean deborah
    debbie debra dennis derek diana diane dianne dick don donald donna doris dorothy doug
    douglas duncan dustin dylan earl ed eddie edward eileen elaine eleanor elijah elizabeth
    ellen emily emma eric erica erik ernest ethan eugene eva evan evelyn frances francis
    frank fred frederick gabriel gail gary gavin gene george gerald gina glenn gloria gordon
    greg gregory hank hannah harold harriet harry hayley heather heidi helen henry hillary
    holly howard ian irene isaac isabel ivan jack jackie jacob jake james jamie jan jane
    janet janice jared jason jay jean jeanne jeff jeffrey jennifer jenny jeremy jerry jesse
    jessica jill jim jimmy joan joanne joe joel john johnny jon jonathan jose joseph josh
    joshua joyce juan judith judy julia julian julie justin karen karl kate katherine
    kathleen kathryn kathy katie kayla keith kelly ken kenneth kevin kim kimberly kirk
    kristen kurt kyle larry laura lauren lawrence leah lee leonard leslie linda lindsey lisa
    liz lori louis louise lucy luis luke lynn maggie marco margaret maria marie marilyn
    mario marion marjorie mark martha martin mary matt matthew maureen max megan melanie
    melissa michael michelle mike mitch molly monica nancy naomi natalie nathan neil
    nicholas nick nicole nikki noah norman oliver olivia pam pamela patricia patrick paul
    paula peggy pete peter phil philip phyllis rachel ralph randy ray raymond rebecca rex
    rhonda richard rick rita rob robert roberta robin rodney roger ron ronald rosa ross roy
    russell ruth ryan sally sam samantha samuel sandra sara sarah scott sean seth shannon
    sharon shawn sheila shirley sophia stacey stacy stanley stephanie stephen steve steven
    stuart susan suzanne sylvia tammy tanya ted teresa terry theresa thomas tiffany tim
    timothy tina todd tom tommy tony tracy travis trevor troy tucker tyler valerie vanessa
    vera veronica vicki victor vincent walter wanda warren wayne wendy wesley william willie
    xavier yvonne zach zachary
    """.split()
)
